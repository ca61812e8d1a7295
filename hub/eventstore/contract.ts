import type { EventStore } from './event-store.js';

export interface ContractSubject {
  store: EventStore;
  /** Called after each test; closes the store and removes what it created. */
  cleanup(): Promise<void>;
}

/**
 * The behaviour every EventStore backend must show. Call it from a `*.test.ts` file with a factory
 * that opens a fresh, empty store (or a store whose stream names are unique per call).
 */
export declare function eventStoreContract(backend: string, open: () => Promise<ContractSubject>): void;
