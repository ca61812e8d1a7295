import path from 'node:path';
import type { Logger } from 'pino';
import { openSqliteEventStore } from '../hub/eventstore/sqlite.js';
import { openReadModelDb } from '../hub/projections/db.js';
import { ProjectionRunner } from '../hub/projections/runner.js';
import { streamCatalog } from '../hub/projections/stream-catalog.js';

/** Rebuilds the stream catalog (a read model over every event) from zero and measures the rate. */
export async function benchRebuild(options: { storeFile: string; dir: string; logger: Logger }) {
  const store = await openSqliteEventStore({ file: options.storeFile, logger: options.logger });
  const db = openReadModelDb(path.join(options.dir, 'readmodels.db'));
  const runner = new ProjectionRunner({ store, db, projections: [streamCatalog], logger: options.logger });
  const started = performance.now();
  const result = await runner.rebuild(streamCatalog.name);
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  db.close();
  await store.close();
  return { projection: streamCatalog.name, events: result.applied, eps: result.applied / seconds };
}
