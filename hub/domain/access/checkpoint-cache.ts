import type Database from 'better-sqlite3';

/**
 * Memoizes a read-model query until its projection's checkpoint moves: the runner advances the
 * checkpoint in the same transaction as the rows, so an unchanged checkpoint means unchanged rows.
 * Each call costs one primary-key lookup instead of preparing and running the query. Without a
 * checkpoint table (no runner) every call computes.
 */
export function cachedUntilCheckpointMoves<Q, V>(
  db: Database.Database,
  projection: string,
  keyOf: (query: Q) => string,
  compute: (query: Q) => V,
  maxEntries = 10_000,
): (query: Q) => V {
  let checkpoint: Database.Statement<[string], { position: number }> | undefined;
  try {
    checkpoint = db.prepare('SELECT position FROM projection_checkpoints WHERE name = ?');
  } catch {
    return compute;
  }
  const cache = new Map<string, V>();
  let seen = -1;
  return (query) => {
    const position = checkpoint!.get(projection)?.position ?? 0;
    if (position !== seen) {
      cache.clear();
      seen = position;
    }
    const key = keyOf(query);
    if (cache.has(key)) return cache.get(key)!;
    const value = compute(query);
    if (cache.size >= maxEntries) cache.clear();
    cache.set(key, value);
    return value;
  };
}
