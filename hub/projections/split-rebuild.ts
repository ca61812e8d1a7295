import { ProjectionFailedError } from '../kernel/errors/index.js';
import { readEventFields } from '../kernel/event-fields.js';
import type { EventStore, FieldsRow, StoreReaderSpec } from '../kernel/event-store.js';
import type { RebuildPart, RebuildSplit } from '../kernel/projection.js';
import { startTypeScriptWorker } from '../kernel/workers.js';
import { reasonOf } from './batch.js';

/** What a worker thread of a split rebuild is told (`rebuild-worker.ts`). */
export interface PartOrders {
  store: StoreReaderSpec;
  module: string;
  args: unknown;
  index: number;
  count: number;
  streamPrefixes: readonly string[] | undefined;
  upTo: number;
  pageSize: number;
}

/** What it says back. */
export type PartMessage =
  | { kind: 'progress'; done: number; applied: number }
  | { kind: 'folded'; summary: unknown }
  | { kind: 'finished'; result: unknown }
  | { kind: 'failed'; position: number | null; type: string | null; reason: string };

export interface SplitOptions {
  name: string;
  streamPrefixes: readonly string[] | undefined;
  /** The last position read. */
  upTo: number;
  pageSize: number;
  /** Worker threads to use (1: fold in this thread). */
  threads: number;
  onPage: (done: number, applied: number) => void;
  /** Checked after each page: true stops the rebuild (it then returns null). */
  cancelled: () => boolean;
}

/**
 * Runs a split rebuild up to `upTo` and returns the parts' results (null when cancelled): in
 * `threads` worker threads, each reading the store through `readerSpec`, when the store offers one
 * and the split names its module; otherwise one part in this thread, through `readEventFields`.
 */
export async function runSplit(
  store: EventStore,
  split: RebuildSplit,
  options: SplitOptions,
): Promise<unknown[] | null> {
  const spec = store.readerSpec?.();
  if (spec && split.module && options.threads > 1) return inWorkers(spec, split, split.module, options);
  const part = split.part(0, 1);
  let from = 0;
  for (;;) {
    const page = await readEventFields(store, {
      types: part.types,
      streamPrefixes: options.streamPrefixes,
      fromPosition: from,
      upTo: options.upTo,
      maxCount: options.pageSize,
    });
    if (options.cancelled()) return null;
    applyRows(options.name, part, page.rows);
    from = page.last;
    options.onPage(from, page.rows.length);
    if (!page.more) break;
  }
  return [part.finish(split.combine([part.folded()]))];
}

function applyRows(name: string, part: RebuildPart, rows: readonly FieldsRow[]): void {
  let row: FieldsRow | undefined;
  try {
    for (row of rows) part.apply(row);
  } catch (error) {
    throw new ProjectionFailedError(name, row![0], row![2], reasonOf(error));
  }
}

const WORKER = new URL('./rebuild-worker.ts', import.meta.url);

async function inWorkers(
  store: StoreReaderSpec,
  split: RebuildSplit,
  module: string,
  options: SplitOptions,
): Promise<unknown[] | null> {
  const count = options.threads;
  const done = new Array<number>(count).fill(0);
  const workers = Array.from({ length: count }, (_, index) => {
    const orders: PartOrders = {
      store,
      module,
      args: split.args,
      index,
      count,
      streamPrefixes: options.streamPrefixes,
      upTo: options.upTo,
      pageSize: options.pageSize,
    };
    return startTypeScriptWorker(WORKER, orders);
  });
  /** Resolves with each worker's next message of `kind`, reporting progress on the way. */
  const next = <K extends 'folded' | 'finished'>(kind: K) =>
    Promise.all(
      workers.map(
        (worker, i) =>
          new Promise<Extract<PartMessage, { kind: K }>>((resolve, reject) => {
            const onMessage = (m: PartMessage) => {
              if (m.kind === 'progress') {
                done[i] = m.done;
                options.onPage(Math.min(...done), m.applied);
                return;
              }
              worker.off('message', onMessage);
              worker.off('error', reject);
              if (m.kind === kind) resolve(m as Extract<PartMessage, { kind: K }>);
              else if (m.kind === 'failed')
                reject(new ProjectionFailedError(options.name, m.position ?? options.upTo, m.type, m.reason));
              else reject(new Error(`rebuild worker: unexpected ${m.kind}`));
            };
            worker.on('message', onMessage);
            worker.on('error', reject);
          }),
      ),
    );
  try {
    const summaries = (await next('folded')).map((m) => m.summary);
    if (options.cancelled()) return null;
    const combined = split.combine(summaries);
    const finished = next('finished');
    for (const worker of workers) worker.postMessage(combined);
    return (await finished).map((m) => m.result);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
