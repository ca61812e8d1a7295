/**
 * What this machine can do at best: the CPU cost of the work that every synced population row and
 * every audited release cannot avoid, each part measured alone with nothing else of the hub around
 * it (no queues, no validation layers, no logging). The sums are lower bounds: a sync or a release
 * does all of this and more. Read `npm run bench:connector` and `npm run bench:query` against them.
 *
 * Usage: npm run bench:floor -- [--rows 1000000] [--source-rows 200000] [--requests 100000]
 *                                [--batch 20000] [--cores N]
 *
 * Rows: personal ID pseudonymised, content version hashed, a new subject key created and wrapped,
 * personal fields sealed (AES-256-GCM), event id derived; the source rows read through the real
 * drivers from PostgreSQL and MariaDB; the event appended to the real event-store schema, the key
 * stored in the real key-store schema and the row applied by the real `records` projection, each
 * at `--rows` scale in transactions of `--batch` rows with a 1 GiB page cache (the best case).
 * Releases: the caller's personal ID pseudonymised, the record's sealed fields opened, the
 * DataAccessed event validated and serialised, appended durably (one commit per 50 requests, as
 * 50 connections allow at most), and the person query executed by graphql-js beyond a
 * `{ __typename }` query.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { buildSchema, execute, parse } from 'graphql';
import { DEFAULT_LIVENESS, parseSourceUrl } from '../connectors/sql/driver.js';
import { openMariaDb } from '../connectors/sql/mariadb.js';
import { openPostgres } from '../connectors/sql/postgres.js';
import { createTempDatabase, serverAvailable } from '../connectors/sql/testing/servers.js';
import { createSourceDatabase } from '../demo/sources/index.js';
import { createEventValidator } from '../hub/events/validator.js';
import { openStoreFile } from '../hub/eventstore/sqlite-file.js';
import type { RecordedEvent } from '../hub/kernel/event-store.js';
import { buildMetadata } from '../hub/kernel/metadata.js';
import { recordsProjection, recordVersion, uuidV5 } from '../hub/modules/records/index.js';
import { SubjectKeyStore } from '../hub/privacy/key-store.js';
import { createPseudonymizer } from '../hub/privacy/pseudonym.js';
import { seal, unseal } from '../hub/privacy/sealed.js';
import { tempDir } from '../hub/testing/temp.js';
import { cpuMicros } from './cpu.js';

const opts = new Command('bench-floor')
  .description('the least CPU a synced row and an audited release can cost on this machine')
  .option('--rows <n>', 'rows written to each SQLite file', '1000000')
  .option('--source-rows <n>', 'rows read from each source server', '200000')
  .option('--requests <n>', 'releases measured', '100000')
  .option('--batch <n>', 'rows per transaction', '20000')
  .option('--cores <n>', 'cores the work could spread over', String(os.availableParallelism()))
  .parse()
  .opts<{ rows: string; sourceRows: string; requests: string; batch: string; cores: string }>();
const ROWS = Number(opts.rows);
const SOURCE_ROWS = Number(opts.sourceRows);
const REQUESTS = Number(opts.requests);
const BATCH = Number(opts.batch);
const CORES = Number(opts.cores);
for (const [name, v] of Object.entries({ ROWS, SOURCE_ROWS, REQUESTS, BATCH, CORES })) {
  if (!Number.isSafeInteger(v) || v <= 0) {
    console.error(`bench-floor: --${name.toLowerCase().replace('_', '-')} must be a positive integer`);
    process.exit(2);
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const tmp = tempDir('lt-floor-');
const secrets = { pseudonymSecret: randomBytes(32), masterKey: randomBytes(32) };
const pseudonymize = createPseudonymizer(secrets.pseudonymSecret);
const versionKey = randomBytes(32);
const personalId = (i: number) => String(1e11 + i).padStart(12, '0');
const record = (i: number) => ({
  personalId: personalId(i),
  fullName: 'Nguyễn Thị Hồng Nhung',
  dateOfBirth: '1990-05-17',
  gender: 'female',
  ethnicity: 'Kinh',
  permanentResidence: { province: '01', commune: '00004', address: 'Số 12 ngõ 34 phố Trần Hưng Đạo' },
  householdId: `HH${String(i).padStart(10, '0')}`,
});
const personalOf = (r: ReturnType<typeof record>) => {
  const { gender: _g, ...personal } = r;
  return personal;
};

/** CPU µs per iteration of `step`, run `n` times. */
function perItem(n: number, step: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 2000); i++) step(i); // compiled before it is timed
  const start = cpuMicros();
  for (let i = 0; i < n; i++) step(i);
  return (cpuMicros() - start) / n;
}

const figures: Record<string, number> = {};
/** Prints one part; its JSON key is the group and the label up to any parenthesis. */
function report(group: string, name: string, us: number, extra = ''): number {
  const slug = name
    .replace(/\s*\(.*$/, '')
    .replace(/[^a-z0-9]+/gi, '_')
    .replace(/^_|_$/g, '');
  figures[`${group}_${slug.toLowerCase()}_us`] = round(us);
  console.log(`  ${name.padEnd(44)} ${us.toFixed(2).padStart(8)} µs${extra}`);
  return us;
}

// ---------------------------------------------------------------------------------------------
console.log(`Per synced row (CPU of one thread; SQLite parts at ${ROWS.toLocaleString('en')} rows):`);
let rowCpu = 0;
const cryptoN = Math.min(ROWS, 200_000);
const masterKey = secrets.masterKey;
const newKeys = randomBytes(56 * cryptoN);
const keyAt = (i: number) => ({ kid: `k${i}`, key: newKeys.subarray(i * 56, i * 56 + 32) });
rowCpu += report(
  'row',
  'pseudonym of the personal ID (HMAC)',
  perItem(cryptoN, (i) => pseudonymize('citizen', personalId(i))),
);
rowCpu += report(
  'row',
  'content version (HMAC of the record)',
  perItem(cryptoN, (i) => recordVersion(record(i), versionKey)),
);
rowCpu += report(
  'row',
  'new subject key wrapped (AES-256-GCM)',
  perItem(cryptoN, (i) => {
    const c = createCipheriv('aes-256-gcm', masterKey, newKeys.subarray(i * 56 + 32, i * 56 + 44));
    Buffer.concat([c.update(keyAt(i).key), c.final(), c.getAuthTag()]);
  }),
);
rowCpu += report(
  'row',
  'personal fields sealed (AES-256-GCM)',
  perItem(cryptoN, (i) => seal(keyAt(i), `s${i}`, 'population', personalOf(record(i)))),
);
rowCpu += report(
  'row',
  'deterministic event id (UUIDv5)',
  perItem(cryptoN, (i) => uuidV5(`population/${i}/-/v`)),
);

const readFloors: number[] = [];
for (const kind of ['postgres', 'mariadb'] as const) {
  if (!(await serverAvailable(kind))) {
    console.log(`  source read (${kind}): server not reachable, skipped`);
    continue;
  }
  const db = await createTempDatabase(kind);
  try {
    const url = db.url.replace(/^mariadb:/, 'mysql:');
    await createSourceDatabase({ kind, url }, 'population', { rows: SOURCE_ROWS, seed: 1 });
    const source = parseSourceUrl(url);
    const liveness = { ...DEFAULT_LIVENESS, connectTimeoutMs: 10_000 };
    const driver =
      kind === 'postgres' ? await openPostgres(source, liveness) : await openMariaDb(source, liveness);
    try {
      let n = 0;
      const start = cpuMicros();
      for await (const rows of driver.stream('SELECT * FROM cong_dan ORDER BY id', [], 2000)) {
        n += rows.length;
      }
      readFloors.push(
        report('row', `source read ${kind} (${n.toLocaleString('en')} rows)`, (cpuMicros() - start) / n),
      );
    } finally {
      await driver.close();
    }
  } finally {
    await db.drop();
  }
}
rowCpu += readFloors.length > 0 ? Math.min(...readFloors) : 0;

/** Runs `insert` for ROWS rows in transactions of BATCH on `db`: CPU and wall µs per row. */
function writeRows(db: Database.Database, insert: (i: number) => void): { cpu: number; wall: number } {
  db.pragma('cache_size = -1048576');
  const start = cpuMicros();
  const t = performance.now();
  const tx = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert(i);
  });
  for (let i = 0; i < ROWS; i += BATCH) tx(i, Math.min(ROWS, i + BATCH));
  return { cpu: (cpuMicros() - start) / ROWS, wall: ((performance.now() - t) * 1000) / ROWS };
}

const subjectOf = (i: number) => pseudonymize('citizen', personalId(i));
const subjects = Array.from({ length: ROWS }, (_, i) => subjectOf(i));
const sealedSample = seal(keyAt(0), subjects[0]!, 'population', personalOf(record(0)));
const metadata = buildMetadata({
  occurredAt: new Date().toISOString(),
  actor: { kind: 'connector', id: 'population-sql' },
  correlationId: '0190f1c2-7a7b-7c3d-8e9f-0a1b2c3d4e5f',
  causationId: '0190f1c2-7a7b-7c3d-8e9f-0a1b2c3d4e60',
  source: {
    connector: 'population-sql',
    runId: '0190f1c2-7a7b-7c3d-8e9f-0a1b2c3d4e5f',
    system: 'postgres://127.0.0.1:5432/population',
    table: 'cong_dan',
    primaryKey: { so_dinh_danh: '001090012345' },
    position: '001090012345',
    fetchedAt: new Date().toISOString(),
  },
});
const eventData = (i: number) => ({
  dataset: 'population',
  recordKey: subjects[i],
  subject: subjects[i],
  version: 'a3f1c9e07b6d4e2f8a1b0c9d8e7f6a5b',
  previousVersion: null,
  fields: { gender: 'female' },
  sealed: sealedSample,
});
const writers: { name: string; cpu: number; wall: number }[] = [];
{
  const db = openStoreFile(path.join(tmp.dir, 'events.db'));
  const stream = db.prepare(
    'INSERT INTO streams (name, last_revision) VALUES (?, 0) ON CONFLICT (name) DO UPDATE SET last_revision = excluded.last_revision RETURNING stream_id',
  );
  const event = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, 0, ?, ?, ?, ?, ?)',
  );
  const meta = JSON.stringify(metadata);
  const id = randomBytes(16);
  const w = writeRows(db, (i) => {
    const { stream_id } = stream.get(`record-population-${subjects[i]}`) as { stream_id: number };
    event.run(stream_id, id, 'DatasetRecordUpserted', JSON.stringify(eventData(i)), meta, Date.now());
  });
  db.close();
  writers.push({ name: 'record event appended (event store)', ...w });
}
{
  const file = path.join(tmp.dir, 'keys.db');
  new SubjectKeyStore(file, masterKey).close();
  const db = new Database(file);
  const insert = db.prepare(
    'INSERT INTO subject_keys (subject, kid, wrapped, created_at) VALUES (?, ?, ?, ?)',
  );
  const wrapped = randomBytes(60);
  const w = writeRows(db, (i) => insert.run(subjects[i], `k${i}`, wrapped, Date.now()));
  db.close();
  writers.push({ name: 'subject key stored (key store)', ...w });
}
{
  const db = new Database(path.join(tmp.dir, 'read-models.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const model = recordsProjection.open(db);
  const recordedAt = new Date().toISOString();
  const w = writeRows(db, (i) =>
    model.apply({
      id: '0190f1c2-7a7b-7c3d-8e9f-0a1b2c3d4e61',
      type: 'DatasetRecordUpserted',
      stream: `record-population-${subjects[i]}`,
      revision: 0,
      position: i + 1,
      recordedAt,
      data: eventData(i),
      metadata,
    } as unknown as RecordedEvent),
  );
  db.close();
  writers.push({ name: 'row applied (records read model)', ...w });
}
for (const w of writers) {
  rowCpu += report('row', w.name, w.cpu, ` (wall ${w.wall.toFixed(2)} µs)`);
}
const slowestWriter = Math.max(...writers.map((w) => w.wall));
const rowFloor1m = Math.max((rowCpu * 1e6) / CORES, slowestWriter * 1e6) / 1e6;
console.log(`  ${'sum'.padEnd(44)} ${rowCpu.toFixed(2).padStart(8)} µs`);
console.log(
  `  1M rows on ${CORES} cores, perfectly spread: at least ${rowFloor1m.toFixed(1)} s ` +
    `(the CPU above over ${CORES} cores, and never less than the slowest single SQLite writer, ${slowestWriter.toFixed(1)} s)`,
);

// ---------------------------------------------------------------------------------------------
console.log(`Per audited release (CPU of one thread, ${REQUESTS.toLocaleString('en')} releases):`);
// Parts a cache or a trusted producer could skip, then the parts no release can skip: recording it.
let releaseCpu = 0;
let recordCpu = 0;
const subject = subjects[0]!;
const key = keyAt(0);
releaseCpu += report(
  'release',
  'pseudonym of the personal ID (HMAC; cacheable)',
  perItem(REQUESTS, () => pseudonymize('citizen', personalId(0))),
);
releaseCpu += report(
  'release',
  'sealed fields opened (AES-256-GCM; cacheable)',
  perItem(REQUESTS, () => unseal(key, subject, 'population', sealedSample)),
);
const validator = createEventValidator();
const accessed = (i: number) => ({
  id: uuidV5(`release/${i}`),
  type: 'DataAccessed',
  data: {
    caller: { agency: '000.00.01.H01', official: 'can-bo-01', role: 'consumer', tokenId: `jti-${i}` },
    subject,
    dataset: 'population',
    fields: ['fullName', 'dateOfBirth'],
    purpose: 'bench-consented-query',
    dossier: null,
    requestId: `req-${i}`,
    contract: { id: 'population-to-ba-dinh', version: 1 },
    consentId: '0190f1c2-7a7b-7c3d-8e9f-0a1b2c3d4e62',
    sources: ['fullName', 'dateOfBirth'].map((field) => ({
      field,
      eventId: '0190f1c2-7a7b-7c3d-8e9f-0a1b2c3d4e61',
      stream: `record-population-${subject}`,
      revision: 0,
    })),
  },
  metadata: buildMetadata({
    occurredAt: new Date().toISOString(),
    actor: { kind: 'agency', id: '000.00.01.H01', official: 'can-bo-01' },
    correlationId: `req-${i}`,
  }),
});
const sample = accessed(0);
releaseCpu += report(
  'release',
  'DataAccessed validated (ajv; a trusted producer may skip)',
  perItem(REQUESTS, () => validator.validate(sample as never)),
);
{
  const schema = buildSchema(`
    type Release { accessId: String consentId: String }
    type Person { fullName: String dateOfBirth: String release: Release }
    type Query { person(personalId: String!, purpose: String!): Person }
  `);
  const root = {
    person: () => ({
      fullName: 'Nguyễn Thị Hồng Nhung',
      dateOfBirth: '1990-05-17',
      release: { accessId: 'a', consentId: 'c' },
    }),
  };
  const person = parse(
    'query($id: String!) { person(personalId: $id, purpose: "bench-consented-query") { fullName dateOfBirth release { accessId consentId } } }',
  );
  const trivial = parse('{ __typename }');
  const run = (document: ReturnType<typeof parse>) =>
    perItem(REQUESTS, () =>
      execute({ schema, document, rootValue: root, variableValues: { id: personalId(0) } }),
    );
  const delta = run(person) - run(trivial);
  releaseCpu += report(
    'release',
    'person query executed beyond { __typename } (a compiled query costs less)',
    Math.max(0, delta),
  );
}
recordCpu += report(
  'release',
  'DataAccessed built and serialised',
  perItem(REQUESTS, (i) => {
    const e = accessed(i);
    JSON.stringify(e.data);
    JSON.stringify(e.metadata);
  }),
);
{
  // The head of the access stream is kept in memory (no read per append): an update and an insert.
  const db = openStoreFile(path.join(tmp.dir, 'access.db'));
  const stream = db.prepare(
    'INSERT INTO streams (name, last_revision) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_revision = excluded.last_revision RETURNING stream_id',
  );
  const event = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const samples = Array.from({ length: 50 }, (_, i) => accessed(i));
  const data = samples.map((e) => JSON.stringify(e.data));
  const meta = samples.map((e) => JSON.stringify(e.metadata));
  const ids = randomBytes(16 * REQUESTS);
  const name = `access-${subject}`;
  const commit = db.transaction((from: number) => {
    for (let i = from; i < from + 50; i++) {
      const { stream_id } = stream.get(name, i) as { stream_id: number };
      event.run(
        stream_id,
        i,
        ids.subarray(i * 16, i * 16 + 16),
        'DataAccessed',
        data[i % 50],
        meta[i % 50],
        Date.now(),
      );
    }
  });
  const start = cpuMicros();
  for (let i = 0; i < REQUESTS; i += 50) commit(i);
  recordCpu += report(
    'release',
    'DataAccessed appended (commit and fsync per 50)',
    (cpuMicros() - start) / REQUESTS,
  );
  db.close();
}
console.log(`  ${'sum'.padEnd(44)} ${(releaseCpu + recordCpu).toFixed(2).padStart(8)} µs`);
console.log(`  ${'of which no release can skip'.padEnd(44)} ${recordCpu.toFixed(2).padStart(8)} µs`);

tmp.remove();
console.log(
  JSON.stringify({
    row_floor_cpu_us: round(rowCpu),
    row_floor_1m_s: round(rowFloor1m),
    slowest_writer_1m_s: round(slowestWriter),
    release_floor_cpu_us: round(releaseCpu + recordCpu),
    release_record_floor_cpu_us: round(recordCpu),
    cores: CORES,
    rows: ROWS,
    batch: BATCH,
    ...figures,
  }),
);
