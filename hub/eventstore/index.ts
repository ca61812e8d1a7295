import type { Logger } from 'pino';
import type { StoreConfig } from '../kernel/config.js';
import type {
  EventStore,
  FieldsPage,
  FieldsQuery,
  StoreObserver,
  StoreReaderSpec,
} from '../kernel/event-store.js';
import { openSqliteEventStore, openSqliteReader } from './sqlite.js';

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

/** Opens a read-only view of a store another thread described with `readerSpec()` (fields reads only). */
export function openStoreReader(spec: StoreReaderSpec): {
  readFields(query: FieldsQuery): FieldsPage;
  close(): void;
} {
  return openSqliteReader(spec.file);
}

export * from '../kernel/event-store.js';
