import type { StreamState } from './events.js';

/**
 * Orders two values of one cursor or key column as the source does: numbers and integer text as
 * numbers, other text (timestamps of one column share a shape, so their text order is their time
 * order) as text. Negative when `a` comes first.
 */
export function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  if (/^-?\d+$/.test(x) && /^-?\d+$/.test(y)) {
    const d = BigInt(x) - BigInt(y);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Whether a row read by an incremental read resumed from `from` lies at or before that checkpoint,
 * `(cursor, pk) <= (from.cursor, from.pk)`: a row the look-back read again (read by an earlier
 * run, or committed after it read past the row's position).
 */
export function atOrBeforeCheckpoint(cursor: unknown, pk: unknown, from: StreamState): boolean {
  if (from.cursor === null || cursor === null || cursor === undefined) return false;
  const c = compareValues(cursor as string | number, from.cursor);
  return c < 0 || (c === 0 && from.pk !== null && compareValues(pk as string | number, from.pk) <= 0);
}
