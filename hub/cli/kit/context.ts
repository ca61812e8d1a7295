import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { type EventStore, openEventStore } from '../../eventstore/index.js';
import { type Config, loadConfig } from '../../kernel/config.js';
import { ConfigError, EmbeddedStoreOnlyError } from '../../kernel/errors/index.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { openReadModelDb } from '../../projections/db.js';
import { ProjectionRunner } from '../../projections/runner.js';

export interface GlobalOptions {
  dataDir: string;
  verbose?: boolean;
}

export interface DataFiles {
  dir: string;
  /** The embedded store's file; `undefined` when the configured store is KurrentDB. */
  events: string | undefined;
  readModels: string;
}

/**
 * The hub's configuration as the server would read it (`loadConfig`), with `--data-dir` in place of
 * LIENTHONG_DATA_DIR: the store backend (LIENTHONG_STORE, KURRENTDB_URL), the secrets, the profile.
 */
export function cliConfig(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({ ...env, LIENTHONG_DATA_DIR: options.dataDir });
}

export function dataFiles(config: Config): DataFiles {
  return {
    dir: config.dataDir,
    events: config.store.backend === 'sqlite' ? config.store.file : undefined,
    readModels: config.readModelsFile,
  };
}

/** Logs go to stderr so stdout stays parseable. */
export function cliLogger(options: GlobalOptions): Logger {
  return pino({ level: options.verbose ? 'info' : 'warn' }, pino.destination({ fd: 2, sync: true }));
}

/** For commands that read or check the embedded store's file: refuses other backends by name. */
export function embeddedStoreFile(config: Config, command: string): string {
  if (config.store.backend !== 'sqlite') throw new EmbeddedStoreOnlyError(command, config.store.backend);
  requireStoreFile(config.store.file);
  return config.store.file;
}

function requireStoreFile(file: string): void {
  if (!fs.existsSync(file)) {
    throw new ConfigError('--data-dir', `no event store at ${file} (set --data-dir or LIENTHONG_DATA_DIR)`);
  }
}

export interface Session {
  config: Config;
  files: DataFiles;
  logger: Logger;
  store: EventStore;
  db: ReadModelDb;
  runner: ProjectionRunner;
}

/**
 * Opens the event store the configuration names (the embedded file, which must exist, or
 * KurrentDB) and the local read-model file, runs `work`, and closes both whatever happens.
 */
export async function withSession<T>(
  options: GlobalOptions,
  projections: readonly ProjectionDefinition[],
  work: (session: Session) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const config = cliConfig(options, env);
  if (config.store.backend === 'sqlite') requireStoreFile(config.store.file);
  const logger = cliLogger(options);
  const store = await openEventStore(config.store, { logger });
  let db: ReadModelDb | undefined;
  try {
    fs.mkdirSync(path.dirname(config.readModelsFile), { recursive: true });
    db = openReadModelDb(config.readModelsFile);
    const runner = new ProjectionRunner({ store, db, projections, logger });
    return await work({ config, files: dataFiles(config), logger, store, db, runner });
  } finally {
    db?.close();
    await store.close();
  }
}
