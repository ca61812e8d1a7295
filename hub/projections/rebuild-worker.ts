import { parentPort, workerData } from 'node:worker_threads';
import { openStoreReader } from '../eventstore/index.js';
import type { FieldsRow } from '../kernel/event-store.js';
import type { RebuildPart } from '../kernel/projection.js';
import { reasonOf } from './batch.js';
import type { PartMessage, PartOrders } from './split-rebuild.js';

/**
 * One part of a split rebuild (`RebuildSplit`) in a worker thread: reads its share of the log
 * through a read-only connection of its own, folds it, sends its summary, waits for the combined
 * summaries, sends its result. A failure is sent as a message, and the thread ends.
 */
const orders = workerData as PartOrders;
const port = parentPort!;
const send = (message: PartMessage) => port.postMessage(message);

async function fold(): Promise<RebuildPart> {
  const { rebuildPart } = (await import(orders.module)) as {
    rebuildPart: (args: unknown, index: number, count: number) => RebuildPart;
  };
  const part = rebuildPart(orders.args, orders.index, orders.count);
  const reader = openStoreReader(orders.store);
  let row: FieldsRow | undefined;
  try {
    let from = 0;
    for (;;) {
      const page = reader.readFields({
        types: part.types,
        streamPrefixes: orders.streamPrefixes,
        fromPosition: from,
        upTo: orders.upTo,
        maxCount: orders.pageSize,
        partition: { count: orders.count, index: orders.index, keys: part.keys },
      });
      for (row of page.rows) part.apply(row);
      row = undefined;
      from = page.last;
      // rows of unkeyed types come to every part: counted in the first only
      const applied =
        orders.index === 0 ? page.rows.length : page.rows.filter((r) => r[2] in part.keys).length;
      send({ kind: 'progress', done: from, applied });
      if (!page.more) return part;
    }
  } catch (error) {
    throw Object.assign(new Error(reasonOf(error)), { row });
  } finally {
    reader.close();
  }
}

try {
  const part = await fold();
  send({ kind: 'folded', summary: part.folded() });
  port.once('message', (combined: unknown) => {
    try {
      send({ kind: 'finished', result: part.finish(combined) });
    } catch (error) {
      send({ kind: 'failed', position: null, type: null, reason: reasonOf(error) });
      port.close();
    }
  });
} catch (error) {
  const row = (error as { row?: FieldsRow }).row;
  send({
    kind: 'failed',
    position: row?.[0] ?? null,
    type: row?.[2] ?? null,
    reason: (error as Error).message,
  });
  port.close();
}
