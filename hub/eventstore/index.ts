import type { Logger } from 'pino';
import type { StoreConfig } from '../kernel/config.js';
import type { EventStore, StoreObserver } from '../kernel/event-store.js';
import { openSqliteEventStore } from './sqlite.js';

export type { StoreConfig };

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

export * from '../kernel/event-store.js';
