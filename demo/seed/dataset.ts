import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
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

/**
 * A dataset whose fingerprint is the digest of the streams it builds and its builder version
 * (`<name> v<version>`). The streams are built once, whether the seed only compares the fingerprint
 * or appends them too.
 */
export function builtDataset(
  name: string,
  version: number,
  buildStreams: () => SeedStream[] | Promise<SeedStream[]>,
): DemoDataset {
  let built: Promise<SeedStream[]> | undefined;
  const build = () => {
    built ??= Promise.resolve().then(buildStreams);
    return built;
  };
  return {
    name,
    async fingerprint() {
      return createHash('sha256')
        .update(`${name} v${version}\n${stringify(await build())}`)
        .digest('hex');
    },
    build,
  };
}
