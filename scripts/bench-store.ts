/**
 * Embedded event store benchmark: durable append rates by batch size, concurrent single-event
 * appends through group commit, and a projection rebuild into SQLite. Ends with one JSON line.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { openSqliteEventStore, type SqliteEventStore } from '../hub/eventstore/sqlite.js';
import type { EventData } from '../hub/kernel/event-store.js';
import { benchRebuild } from './bench-rebuild.js';

const whole = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
};

const program = new Command('bench:store')
  .description('Benchmark the embedded event store (durable appends, group commit, projection rebuild)')
  .option(
    '--events <n>',
    'events for the batched phases together (at least 1M for the reference figures)',
    whole,
    1_000_000,
  )
  .option('--producers <n>', 'concurrent producers in the group-commit phase', whole, 50)
  .option('--group-events <n>', 'events appended in the group-commit phase', whole, 200_000)
  .option(
    '--dir <path>',
    'directory for the store files (default: a temporary directory, removed afterwards)',
  )
  .parse();
const opts = program.opts<{ events: number; producers: number; groupEvents: number; dir?: string }>();

const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lt-bench-'));
fs.mkdirSync(dir, { recursive: true });
const logger = pino({ level: 'silent' });
const correlationId = randomUUID();

function event(n: number): EventData {
  return {
    id: randomUUID(),
    type: 'BenchRecorded',
    data: {
      subject: 'b1f3c2d4e5f60718293a4b5c6d7e8f90',
      field: 'permanentResidence',
      value: `Xã Hòa Bình ${n}`,
    },
    metadata: {
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: { kind: 'connector', id: 'bench' },
      correlationId,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

const sample = event(1);
const eventBytes =
  JSON.stringify(sample.data).length + JSON.stringify(sample.metadata).length + sample.type.length + 16;

async function batched(store: SqliteEventStore, size: number, total: number): Promise<number> {
  const appends = Math.max(1, Math.floor(total / size));
  let n = 0;
  const started = performance.now();
  for (let a = 0; a < appends; a++) {
    const events = Array.from({ length: size }, () => event(n++));
    await store.append(`bench-b${size}a${a % 1000}`, events, {
      expectedRevision: a < 1000 ? 'no_stream' : Math.floor(a / 1000) * size - 1,
    });
  }
  return n / ((performance.now() - started) / 1000);
}

async function groupCommit(store: SqliteEventStore, producers: number, total: number) {
  const perProducer = Math.floor(total / producers);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: producers }, async (_, p) => {
      for (let i = 0; i < perProducer; i++) {
        await store.append(`bench-p${p}`, [event(i)], { expectedRevision: i === 0 ? 'no_stream' : i - 1 });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { eps: (perProducer * producers) / seconds };
}

const file = path.join(dir, 'events.db');
let commits = 0;
let committedEvents = 0;
const store = await openSqliteEventStore({
  file,
  logger,
  observer: {
    committed: (c) => {
      commits++;
      committedEvents += c.events;
    },
  },
});
console.log(`store: ${file}; event size ~${eventBytes} bytes (type + data + metadata + id)`);

const shares: Record<number, number> = { 1: 0.01, 10: 0.09, 100: 0.4, 1000: 0.5 };
const rates: Record<string, number> = {};
for (const size of [1, 10, 100, 1000]) {
  const total = Math.max(size, Math.round(opts.events * shares[size]!));
  rates[size] = await batched(store, size, total);
  console.log(
    `append ${String(size).padStart(4)} events/append: ${Math.round(rates[size]!).toLocaleString('en')} events/s over ${total.toLocaleString('en')} events`,
  );
}

commits = 0;
committedEvents = 0;
const group = await groupCommit(store, opts.producers, opts.groupEvents);
console.log(
  `group commit, ${opts.producers} concurrent single-event producers: ${Math.round(group.eps).toLocaleString('en')} events/s` +
    ` (${commits.toLocaleString('en')} commits, ${(committedEvents / Math.max(1, commits)).toFixed(1)} events per commit)`,
);
const info = await store.info();
await store.close();
console.log(
  `log: ${info.lastPosition.toLocaleString('en')} events, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`,
);

const rebuild = await benchRebuild({ storeFile: file, dir, logger });
console.log(
  `projection rebuild (${rebuild.projection}): ${Math.round(rebuild.eps).toLocaleString('en')} events/s over ${rebuild.events.toLocaleString('en')} events`,
);

if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
const result = {
  append_batched_eps: Math.round(Math.min(rates[100]!, rates[1000]!)),
  append_1_eps: Math.round(rates[1]!),
  append_10_eps: Math.round(rates[10]!),
  append_100_eps: Math.round(rates[100]!),
  append_1000_eps: Math.round(rates[1000]!),
  append_group_commit_eps: Math.round(group.eps),
  group_commit_producers: opts.producers,
  events_per_commit: Number((committedEvents / Math.max(1, commits)).toFixed(1)),
  rebuild_eps: Math.round(rebuild.eps),
  events_total: info.lastPosition,
  event_bytes: eventBytes,
};
console.log(JSON.stringify(result));
