import type { PlannedBatch } from './planner.js';
import type { SourceBatch, SourceRow } from './protocol.js';

export type Ready = PlannedBatch & { fetchedAt: string };

export interface AheadItem {
  batch: SourceBatch;
  /** The batch's plan, when a worker plans batches as they are read. */
  ready?: Promise<Ready>;
  /** How many batches had been executed when the plan looked the index up. */
  after: number;
}

/**
 * Batches read ahead of the one being appended: the source reads the next `depth` batches while one
 * is mapped, sealed and appended; with `plan`, each batch is handed to the planner as soon as it is
 * read. A batch planned early saw the index as it was then, so `stale` tells whether a batch
 * executed since wrote one of its source keys (its plan must then be made again).
 */
export class ReadAhead {
  private readonly ahead: Promise<AheadItem | undefined>[] = [];
  private executedCount = 0;
  private readonly written = new Map<number, Set<string>>();

  constructor(
    private readonly iterator: AsyncIterator<SourceBatch>,
    private readonly depth: number,
    private readonly keyOf: (row: SourceRow) => string,
    private readonly plan?: (rows: SourceRow[]) => Promise<Ready>,
  ) {}

  private fill(): void {
    while (this.ahead.length < this.depth) {
      const item = this.iterator.next().then((step) => {
        if (step.done) return undefined;
        const ready = this.plan?.(step.value.rows);
        ready?.catch(() => undefined);
        return { batch: step.value, ready, after: this.executedCount };
      });
      item.catch(() => undefined);
      this.ahead.push(item);
    }
  }

  /** The next batch (undefined at the end), asking the source for the ones after it. */
  async next(): Promise<AheadItem | undefined> {
    this.fill();
    const item = await this.ahead.shift()!;
    if (item) this.fill();
    return item;
  }

  stale(item: AheadItem): boolean {
    const keys = item.batch.rows.map(this.keyOf);
    for (const [n, written] of this.written) {
      if (n >= item.after && keys.some((k) => written.has(k))) return true;
    }
    return false;
  }

  /** Records that a batch's rows were written (and the index updated). */
  executed(rows: SourceRow[]): void {
    if (!this.plan) return;
    this.written.set(this.executedCount, new Set(rows.map(this.keyOf)));
    this.written.delete(this.executedCount - this.depth - 1);
    this.executedCount++;
  }
}
