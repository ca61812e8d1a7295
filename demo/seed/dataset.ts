import type { EventData } from '../../hub/kernel/event-store.js';

export interface SeedStream {
  stream: string;
  events: EventData[];
}

/**
 * A demo dataset the seed can write. Datasets are deterministic: the same fingerprint always
 * builds the same streams with the same event ids, which is what makes seeding idempotent.
 */
export interface DemoDataset {
  /** kebab-case; the seed records completion in stream `seed-<name>`. */
  name: string;
  /**
   * Cheap digest (SHA-256 hex) of everything the events are built from: source files and a builder
   * version. When the stored marker holds the same fingerprint, the dataset is skipped unread.
   */
  fingerprint(): Promise<string>;
  /** Builds every stream of the dataset, in the order they should be appended. */
  build(): Promise<SeedStream[]>;
}
