import path from 'node:path';
import type { DemoDataset } from '../../demo/seed/dataset.js';
import { seedDemoData } from '../../demo/seed/demo.js';
import { withValidation } from '../events/validating-store.js';
import { createEventValidator } from '../events/validator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../eventstore/sqlite.js';
import type { EventStore } from '../kernel/event-store.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';
import { silentLogger } from './temp.js';

/**
 * The embedded store at `<dir>/events.db` (`raw`, closed by the caller) and the same store validated
 * against the event schemas as the hub validates it (`store`), seeded with `datasets`.
 */
export async function seededStore(
  dir: string,
  datasets: readonly DemoDataset[],
): Promise<{ raw: SqliteEventStore; store: EventStore }> {
  const raw = await openSqliteEventStore({ file: path.join(dir, 'events.db'), logger: silentLogger() });
  const store = withValidation(raw, createEventValidator());
  await seedDemoData({ store, logger: silentLogger(), datasets });
  return { raw, store };
}

/** Rebuilds the read model of `projection` in `db` from everything in `store`, in one transaction. */
export async function rebuild(db: ReadModelDb, store: EventStore, projection: ProjectionDefinition) {
  const handler = projection.open(db);
  const events = await store.readAll({ filter: projection.filter });
  db.transaction(() => {
    handler.reset();
    for (const e of events) handler.apply(e);
  })();
}
