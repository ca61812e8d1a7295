import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { type EventStore, openEventStore } from '../eventstore/index.js';
import { ConfigError } from '../kernel/errors/index.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';
import { openReadModelDb } from '../projections/db.js';
import { ProjectionRunner } from '../projections/runner.js';

export interface GlobalOptions {
  dataDir: string;
  verbose?: boolean;
}

export interface DataFiles {
  dir: string;
  events: string;
  readModels: string;
}

export function dataFiles(options: GlobalOptions): DataFiles {
  const dir = path.resolve(options.dataDir);
  return { dir, events: path.join(dir, 'events.db'), readModels: path.join(dir, 'readmodels.db') };
}

/** Logs go to stderr so stdout stays parseable. */
export function cliLogger(options: GlobalOptions): Logger {
  return pino({ level: options.verbose ? 'info' : 'warn' }, pino.destination({ fd: 2, sync: true }));
}

export function requireStoreFile(files: DataFiles): void {
  if (!fs.existsSync(files.events)) {
    throw new ConfigError(
      '--data-dir',
      `no event store at ${files.events} (set --data-dir or LIENTHONG_DATA_DIR)`,
    );
  }
}

export interface Session {
  files: DataFiles;
  logger: Logger;
  store: EventStore;
  db: ReadModelDb;
  runner: ProjectionRunner;
}

/** Opens the embedded store and the read-model file, runs `work`, and closes both whatever happens. */
export async function withSession<T>(
  options: GlobalOptions,
  projections: readonly ProjectionDefinition[],
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const files = dataFiles(options);
  requireStoreFile(files);
  const logger = cliLogger(options);
  const store = await openEventStore({ backend: 'sqlite', file: files.events }, { logger });
  let db: ReadModelDb | undefined;
  try {
    db = openReadModelDb(files.readModels);
    const runner = new ProjectionRunner({ store, db, projections, logger });
    return await work({ files, logger, store, db, runner });
  } finally {
    db?.close();
    await store.close();
  }
}
