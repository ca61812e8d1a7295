import type { Logger } from 'pino';
import type { EventStore, StoreObserver } from './event-store.js';
import { openSqliteEventStore } from './sqlite.js';

export type StoreConfig =
  | { backend: 'sqlite'; file: string; maxBytes?: number }
  | { backend: 'kurrentdb'; url: string };

/** Opens the configured backend. Throws StoreFileError / StoreUnavailableError with a clear message. */
export async function openEventStore(
  config: StoreConfig,
  options: { logger: Logger; observer?: StoreObserver },
): Promise<EventStore> {
  if (config.backend === 'sqlite') {
    return openSqliteEventStore({ file: config.file, maxBytes: config.maxBytes, ...options });
  }
  // Loaded on demand: the embedded default never pays for the gRPC client.
  const { openKurrentDbEventStore } = await import('./kurrentdb.js');
  return openKurrentDbEventStore({ connectionString: config.url, ...options });
}

export * from './event-store.js';
