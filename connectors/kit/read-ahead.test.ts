import { describe, expect, it } from 'vitest';
import type { SourceBatch } from './protocol.js';
import { ReadAhead, type Ready } from './read-ahead.js';

const batch = (...ids: number[]): SourceBatch => ({
  rows: ids.map((id) => ({ id })),
  state: { stream: 't', mode: 'incremental', cursor: null, pk: ids.at(-1) ?? null },
});

async function* source(batches: SourceBatch[], reads: number[]) {
  for (const [i, b] of batches.entries()) {
    reads.push(i);
    yield b;
  }
}

describe('reading ahead', () => {
  it('reads and plans batches ahead, and marks a batch stale when a batch executed since wrote its keys', async () => {
    const reads: number[] = [];
    const planned: number[][] = [];
    const plan = async (rows: { id?: unknown }[]) => {
      planned.push(rows.map((r) => Number(r.id)));
      return {} as Ready;
    };
    const ahead = new ReadAhead(
      source([batch(1, 2), batch(3), batch(2, 4), batch(5)], reads)[Symbol.asyncIterator](),
      3,
      (r) => String(r.id),
      plan,
    );
    const first = (await ahead.next())!;
    await new Promise((r) => setImmediate(r));
    expect(reads).toEqual([0, 1, 2, 3]);
    expect(planned).toEqual([[1, 2], [3], [2, 4], [5]]);
    expect(ahead.stale(first)).toBe(false);
    ahead.executed(first.batch.rows);
    const second = (await ahead.next())!;
    expect(ahead.stale(second)).toBe(false);
    ahead.executed(second.batch.rows);
    const third = (await ahead.next())!;
    expect(third.batch.rows).toEqual([{ id: 2 }, { id: 4 }]);
    expect(ahead.stale(third)).toBe(true);
    ahead.executed(third.batch.rows);
    const fourth = (await ahead.next())!;
    expect(ahead.stale(fourth)).toBe(false);
    expect(await ahead.next()).toBeUndefined();
  });
});
