/**
 * A writer process for the crash test: appends deterministic events to its own streams as fast as
 * it can and prints `ack <stream> <lastRevision> <count> <position>` after each acknowledged append.
 * Usage: writer.ts <store-file> <writer-number> [producers]
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { StreamNotFoundError } from '../../kernel/errors/index.js';
import { openSqliteEventStore } from '../sqlite.js';
import { batchContaining, batchSizeAt, workloadEvent, workloadStream } from './workload.js';

const [file, writerArg, producersArg] = process.argv.slice(2);
if (!file || !writerArg) {
  process.stderr.write('usage: writer.ts <store-file> <writer-number> [producers]\n');
  process.exit(2);
}
const writer = Number(writerArg);
const producers = Number(producersArg ?? 4);
const t0 = performance.now();
const store = await openSqliteEventStore({ file, logger: pino({ level: 'silent' }) });
process.stdout.write(`ready ${(performance.now() - t0).toFixed(1)}\n`);

async function produce(p: number): Promise<never> {
  const stream = workloadStream(writer, p);
  let last = -1;
  try {
    last = (await store.readStream(stream, { direction: 'backwards', maxCount: 1 }))[0]!.revision;
  } catch (e) {
    if (!(e instanceof StreamNotFoundError)) throw e;
  }
  if (last >= 0) {
    // Replay the last append as a crashed client would: it must be acknowledged without a write.
    const { start: first, size } = batchContaining(last);
    const events = Array.from({ length: size }, (_, i) => workloadEvent(stream, first + i));
    const retry = await store.append(stream, events, {
      expectedRevision: first === 0 ? 'no_stream' : first - 1,
    });
    if (retry.written) throw new Error(`retry of ${stream}@${first} wrote again`);
  }
  for (;;) {
    const count = batchSizeAt(last + 1);
    const events = Array.from({ length: count }, (_, i) => workloadEvent(stream, last + 1 + i));
    const r = await store.append(stream, events, { expectedRevision: last < 0 ? 'no_stream' : last });
    last = r.nextExpectedRevision;
    process.stdout.write(`ack ${stream} ${last} ${count} ${r.position}\n`);
  }
}

await Promise.all(Array.from({ length: producers }, (_, p) => produce(p)));
