import type { ReadModelDb } from '../kernel/read-model.js';
import { OtherWriters } from './data-version.js';

/**
 * Tells readers of a read-model connection, for almost nothing per call, whether a read model may
 * have changed since they last looked: a counter per read model that this process bumps whenever
 * it writes one (the runner after each committed batch, a model that applies its own events), plus
 * SQLite's `data_version`, which moves whenever another connection — another process, a CLI
 * rebuild — commits to the file (`OtherWriters`: read once per event-loop turn, so such a commit is
 * seen from the next turn).
 */
export class ReadModelChanges {
  private static readonly byConnection = new WeakMap<ReadModelDb, ReadModelChanges>();

  static of(db: ReadModelDb): ReadModelChanges {
    let changes = ReadModelChanges.byConnection.get(db);
    if (!changes) {
      changes = new ReadModelChanges(db);
      ReadModelChanges.byConnection.set(db, changes);
    }
    return changes;
  }

  private readonly local = new Map<string, number>();
  private readonly otherWriters: OtherWriters;

  private constructor(db: ReadModelDb) {
    this.otherWriters = new OtherWriters(db);
  }

  /** Marks the read model as changed by this process. */
  bump(model: string): void {
    this.local.set(model, (this.local.get(model) ?? 0) + 1);
  }

  /** A memo of `compute(query)` per `keyOf(query)`, dropped whenever `model` may have changed. */
  memo<Q, V>(model: string, keyOf: (query: Q) => string, compute: (query: Q) => V, maxEntries = 10_000) {
    const cache = new Map<string, V>();
    let seenLocal = -1;
    let seenData = -1;
    return (query: Q): V => {
      const local = this.local.get(model) ?? 0;
      const data = this.otherWriters.version();
      if (local !== seenLocal || data !== seenData) {
        cache.clear();
        seenLocal = local;
        seenData = data;
      }
      const key = keyOf(query);
      const hit = cache.get(key);
      if (hit !== undefined || cache.has(key)) return hit as V;
      const value = compute(query);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, value);
      return value;
    };
  }
}
