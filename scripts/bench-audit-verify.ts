/**
 * A full offline `audit verify` of a large log, and where its time goes.
 * Usage: npm run bench:audit [-- --entries 1000000 --checkpoint-every 10000 --bundle <file> --keep <dir>]
 *
 * Builds the log the way the hub does: access events shaped like the hub's `DataAccessed` (about
 * 800 bytes each, ten per citizen stream) appended to an embedded store in group commits; after
 * every `--checkpoint-every` entries the `audit-log` read model catches up and the audit service
 * signs a checkpoint with an Ed25519 key. Then `AuditService.bundle()` writes the export bundle to a
 * file, and `verifyBundle` checks it as `npm run hub -- audit verify` does. With `--bundle <file>`
 * an existing bundle is only verified.
 *
 * Where the time goes, each measured apart over the same file (page cache warm):
 *   read   reading the file in 1 MiB chunks and splitting it into lines;
 *   leaves that plus SHA-256(0x00 ‖ line) of every entry;
 *   verify the whole verification (records parsed, signatures, consistency proofs, leaf
 *          comparisons, the tree grown: about one interior hash per entry).
 * Wall-clock and CPU seconds (user + system) of each; one JSON line at the end.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { openSqliteEventStore } from '../hub/eventstore/sqlite.js';
import type { AppendRequest, EventData } from '../hub/kernel/event-store.js';
import {
  AuditLogModel,
  AuditService,
  auditLogProjection,
  checkpointSigner,
  chunked,
  leafHash,
  verifyBundle,
} from '../hub/modules/audit/index.js';
import { openReadModelDb } from '../hub/projections/db.js';
import { ProjectionRunner } from '../hub/projections/runner.js';
import { silentLogger, tempDir } from '../hub/testing/temp.js';
import { cpuMicros } from './cpu.js';

const opts = new Command('bench-audit-verify')
  .description('build a large audit log and its export bundle, then time a full offline verify')
  .option('--entries <n>', 'access events in the log', '1000000')
  .option('--checkpoint-every <n>', 'entries between signed checkpoints', '10000')
  .option('--bundle <file>', 'verify this existing bundle instead of building one')
  .option('--keep <dir>', 'build in this directory and keep it (default: a temporary one, removed)')
  .parse()
  .opts<{ entries: string; checkpointEvery: string; bundle?: string; keep?: string }>();
const entries = Number(opts.entries);
const every = Number(opts.checkpointEvery);
for (const [name, value] of Object.entries({ entries, 'checkpoint-every': every })) {
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`bench-audit-verify: --${name} must be a positive integer`);
    process.exit(2);
  }
}

const PER_STREAM = 10;
const hex = (n: number, width = 32) => n.toString(16).padStart(width, '0');

/** One access event as the hub records a release (DataAccessed), the `n`-th of its citizen. */
function accessEvent(subject: string, n: number, at: Date): EventData {
  const record = randomUUID();
  const requestId = `req-${randomUUID()}`;
  return {
    id: randomUUID(),
    type: 'DataAccessed',
    data: {
      caller: {
        agency: '000.04.01.H26',
        official: `officer-${n % 17}`,
        role: 'consumer',
        tokenId: randomUUID(),
      },
      subject,
      dataset: 'population',
      fields: ['fullName', 'dateOfBirth', 'permanentResidence'],
      purpose: 'tthc-1.001193',
      dossier: n % 3 === 0 ? `000.04.01.H26-260302-${String(n).padStart(4, '0')}` : null,
      contract: { id: 'c06-to-ba-dinh-birth-registration', version: 1 },
      consentId: null,
      sources: ['fullName', 'dateOfBirth', 'permanentResidence'].map((field) => ({
        field,
        eventId: record,
        stream: `record-population-${subject}`,
        revision: 0,
      })),
      requestId,
    },
    metadata: {
      occurredAt: at.toISOString(),
      actor: { kind: 'agency', id: '000.04.01.H26', official: `officer-${n % 17}` },
      correlationId: requestId,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const cpuSeconds = (since: number) => (cpuMicros() - since) / 1e6;

async function build(dir: string): Promise<{ bundle: string; timings: Record<string, number> }> {
  const logger = silentLogger();
  const store = await openSqliteEventStore({ file: path.join(dir, 'events.db'), logger });
  const db = openReadModelDb(path.join(dir, 'readmodels.db'));
  const runner = new ProjectionRunner({ store, db, projections: [auditLogProjection], logger });
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const service = new AuditService({
    store,
    model: new AuditLogModel(db),
    signer: checkpointSigner({ x: jwk.x!, d: jwk.d! }),
    origin: 'bench.local/audit',
  });
  const timings = { append_s: 0, project_s: 0, project_cpu_s: 0, sign_s: 0, export_s: 0 };
  const at = new Date('2026-03-02T01:00:00Z');
  let written = 0;
  let subject = 0;
  while (written < entries) {
    const goal = Math.min(entries, written + every);
    let started = performance.now();
    while (written < goal) {
      const requests: AppendRequest[] = [];
      while (written < goal && requests.length < 200) {
        const count = Math.min(PER_STREAM, goal - written);
        const who = hex(subject++);
        requests.push({
          stream: `access-${who}`,
          events: Array.from({ length: count }, (_, n) => accessEvent(who, n, at)),
          expectedRevision: 'no_stream',
        });
        written += count;
      }
      for (const outcome of await store.appendMany(requests)) if (outcome instanceof Error) throw outcome;
    }
    timings.append_s += seconds(started);
    started = performance.now();
    const cpu = cpuMicros();
    await runner.catchUp(auditLogProjection.name);
    timings.project_s += seconds(started);
    timings.project_cpu_s += cpuSeconds(cpu);
    started = performance.now();
    await service.checkpoint();
    timings.sign_s += seconds(started);
    process.stderr.write(
      `\r  built ${written.toLocaleString('en-US')} / ${entries.toLocaleString('en-US')} entries`,
    );
  }
  await runner.catchUp(auditLogProjection.name);
  process.stderr.write('\n');
  const bundle = path.join(dir, 'bundle.ndjson');
  const started = performance.now();
  await pipeline(Readable.from(chunked(service.bundle())), fs.createWriteStream(bundle));
  timings.export_s = seconds(started);
  await runner.stop();
  db.close();
  await store.close();
  return { bundle, timings };
}

/** Reads the file in 1 MiB chunks and splits lines; with `hash`, hashes each as a leaf. */
async function readLines(file: string, hash: boolean): Promise<number> {
  let lines = 0;
  let carry = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    let data = chunk;
    if (carry.length > 0) {
      data = Buffer.concat([carry, chunk]);
      carry = Buffer.alloc(0);
    }
    for (let end = data.indexOf(10, start); end >= 0; end = data.indexOf(10, start)) {
      if (hash) leafHash(data.subarray(start, end));
      lines++;
      start = end + 1;
    }
    if (start < data.length) carry = Buffer.from(data.subarray(start));
  }
  return lines;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const started = performance.now();
  const cpu = cpuMicros();
  const value = await work();
  return { value, wall: seconds(started), cpu: cpuSeconds(cpu) };
}

const temp = opts.bundle || opts.keep ? undefined : tempDir('lt-bench-audit-');
try {
  let bundle = opts.bundle;
  let timings: Record<string, number> = {};
  if (!bundle) {
    const dir = opts.keep ?? temp!.dir;
    fs.mkdirSync(dir, { recursive: true });
    console.log(
      `building ${entries.toLocaleString('en-US')} entries, a checkpoint every ${every.toLocaleString('en-US')}, in ${dir}`,
    );
    ({ bundle, timings } = await build(dir));
    const rate = (s: number | undefined) => (s ? Math.round(entries / s).toLocaleString('en-US') : '-');
    console.log(
      `  append ${timings.append_s?.toFixed(1)} s (${rate(timings.append_s)}/s), read model ${timings.project_s?.toFixed(1)} s (${rate(timings.project_s)}/s; ${timings.project_cpu_s?.toFixed(1)} s CPU), signing ${timings.sign_s?.toFixed(2)} s, export ${timings.export_s?.toFixed(1)} s (${rate(timings.export_s)}/s)`,
    );
  }
  const bytes = fs.statSync(bundle).size;
  console.log(`bundle ${bundle}: ${(bytes / 1e6).toFixed(0)} MB`);
  const read = await timed(() => readLines(bundle!, false));
  const leaves = await timed(() => readLines(bundle!, true));
  const verify = await timed(() => verifyBundle(bundle!));
  const report = verify.value;
  const line = (name: string, t: { wall: number; cpu: number }) =>
    console.log(
      `  ${name.padEnd(7)} ${t.wall.toFixed(2).padStart(6)} s wall  ${t.cpu.toFixed(2).padStart(6)} s CPU  ${(bytes / 1e6 / t.wall).toFixed(0).padStart(4)} MB/s`,
    );
  console.log(
    `verified ${report.entries.toLocaleString('en-US')} entries under ${report.checkpoints} checkpoints (${read.value.toLocaleString('en-US')} lines)`,
  );
  line('read', read);
  line('leaves', leaves);
  line('verify', verify);
  console.log(
    `  split: reading and splitting ${((read.cpu / verify.cpu) * 100).toFixed(0)} % of the verify CPU, leaf hashing ${(((leaves.cpu - read.cpu) / verify.cpu) * 100).toFixed(0)} %, the rest (tree, records, signatures, comparisons) ${(((verify.cpu - leaves.cpu) / verify.cpu) * 100).toFixed(0)} %`,
  );
  const perMillion = (s: number) => Number(((s * 1e6) / report.entries).toFixed(2));
  console.log(
    JSON.stringify({
      entries: report.entries,
      checkpoints: report.checkpoints,
      bundle_bytes: bytes,
      verify_s: Number(verify.wall.toFixed(2)),
      verify_cpu_s: Number(verify.cpu.toFixed(2)),
      verify_1m_s: perMillion(verify.wall),
      verify_1m_extrapolated: report.entries !== 1_000_000,
      read_split_s: Number(read.wall.toFixed(2)),
      leaf_hash_s: Number((leaves.wall - read.wall).toFixed(2)),
      rest_s: Number((verify.wall - leaves.wall).toFixed(2)),
      ...Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Number(v.toFixed(2))])),
    }),
  );
} finally {
  temp?.remove();
}
