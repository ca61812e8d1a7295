/**
 * Lineage, access-log and audit benchmark: a year of one hub (records synced by connectors,
 * accesses, consents, dossiers; at least a million events, `bench-lineage-store.ts`) written with
 * the hub's builders through its validating store, the hub opened on that data directory and its
 * projections caught up, then:
 *
 * 1. a citizen's field walked back to its sources (`lineageOfField`, depth 3: releases → record
 *    events → connector runs and source rows), server-side (`LineageQueries` over the read model)
 *    and through GraphQL (`app.inject`, the inspector's token, the read recorded as
 *    `InspectionPerformed` before the answer), each answer of a followed citizen checked against
 *    what was written;
 * 2. access-log pages (`accessLogSearch`, 100 entries and the total): by citizen, by agency and time
 *    range, by purpose, by outcome, and deep pages followed by cursor; every entry checked against
 *    its filter, totals against what was written;
 * 3. `audit verify` of the log's export bundle (`audit export` after a checkpoint over every entry),
 *    offline, with the hub's published key pinned.
 *
 * Prints the figures and ends with one JSON line.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError } from 'commander';
import { seededRandom } from '../demo/random.js';
import { LineageNotFoundError } from '../hub/kernel/errors/index.js';
import { startTypeScriptWorker } from '../hub/kernel/workers.js';
import { type AccessLogFilterInput, AccessLogQueries, parseFilter } from '../hub/modules/access-log/index.js';
import { checkpointVerifier, chunked, verifyBundle } from '../hub/modules/audit/index.js';
import { hubModules } from '../hub/modules/index.js';
import { type LineageGraph, LineageQueries, nodeId } from '../hub/modules/lineage/index.js';
import { loadDatasets } from '../hub/modules/records/index.js';
import { allProjections } from '../hub/projections/registry.js';
import { AGENCIES, startTestHub, type TestHub } from '../hub/testing/hub.js';
import {
  ACCESS_AGENCIES,
  DAYS,
  defaultCitizens,
  SOURCES,
  type Truth,
  writeYear,
  YEAR_START,
} from './bench-lineage-store.js';
import type { Reached, WatchData } from './bench-lineage-watch.js';
import { cpuMicros } from './cpu.js';

const whole = (min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number >= ${min}`);
  return n;
};

const program = new Command('bench:lineage')
  .description(
    'Benchmark lineage queries, access-log pages and audit verification on a store of at least a million events',
  )
  .option('--events <n>', 'events to write at least (records, dossiers, accesses)', whole(1000), 1_000_000)
  .option(
    '--citizens <n>',
    'citizens (default: their records a quarter of --events, about one per 12 events)',
    whole(10),
  )
  .option(
    '--log-entries <n>',
    'access-log entries to write at least (the accesses’ share grows to reach it; 0: their share of --events)',
    whole(0),
    1_000_000,
  )
  .option('--seed <n>', 'seed of the generator (the same seed writes the same year)', whole(1), 1)
  .option('--queries <n>', 'timed queries of each kind', whole(10), 2000)
  .option('--dir <path>', 'data directory (default: a temporary one)')
  .option('--keep-dir', 'keep the data directory afterwards (to --reuse it)')
  .option('--reuse', 'skip the write: open the hub on the store a previous run kept in --dir')
  .option(
    '--cpu-prof <file>',
    'write a CPU profile of the measurements (not the write) to this .cpuprofile file',
  )
  .parse();
const opts = program.opts<{
  events: number;
  citizens?: number;
  logEntries: number;
  seed: number;
  queries: number;
  dir?: string;
  keepDir?: boolean;
  reuse?: boolean;
  cpuProf?: string;
}>();
if (opts.reuse && !opts.dir) program.error('--reuse needs --dir (the directory a previous run kept)');

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const say = (line: string) => process.stderr.write(`${line}\n`);

/** Progress on stderr, at most once every two seconds. */
function progress(label: string) {
  let last = 0;
  return (done: number, total: number, extra = '') => {
    const now = performance.now();
    if (now - last < 2000 && done < total) return;
    last = now;
    say(`  ${label}: ${((100 * done) / Math.max(1, total)).toFixed(0)}% ${extra}`);
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

interface Timing {
  n: number;
  p50: number;
  p99: number;
  max: number;
  cpuP99: number;
}

/** Times `n` calls of `run` after a warm-up of `warm`; wall clock and CPU per call. */
async function timed(
  label: string,
  n: number,
  run: (i: number) => unknown | Promise<unknown>,
  warm = Math.min(50, n),
): Promise<Timing> {
  for (let i = 0; i < warm; i++) await run(-1 - i);
  const ms: number[] = [];
  const cpu: number[] = [];
  const report = progress(label);
  for (let i = 0; i < n; i++) {
    const c = cpuMicros();
    const t = performance.now();
    await run(i);
    ms.push(performance.now() - t);
    cpu.push((cpuMicros() - c) / 1000);
    report(i + 1, n);
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    n,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.at(-1) ?? 0,
    cpuP99: percentile(cpu, 99),
  };
}

const line = (label: string, t: Timing) =>
  `${label}: p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms, max ${t.max.toFixed(1)} ms (CPU p99 ${t.cpuP99.toFixed(2)} ms, n ${fmt(t.n)})`;

/** A failed check: the figures would be of wrong answers. */
class CheckFailed extends Error {}
function check(ok: boolean, what: () => string): asserts ok {
  if (!ok) throw new CheckFailed(`check failed: ${what()}`);
}

// ---- the store ----------------------------------------------------------------------------------

const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lt-bench-lineage-'));
fs.mkdirSync(dir, { recursive: true });
const truthFile = path.join(dir, 'bench-lineage.json');
const datasets = loadDatasets();
const citizens = opts.citizens ?? defaultCitizens(opts.events);
const hubOptions = { dir, citizens: 0 } as const;

let build: Awaited<ReturnType<typeof writeYear>> | undefined;
let truth: Truth;
if (opts.reuse) {
  if (!fs.existsSync(truthFile)) program.error(`--reuse: ${truthFile} is missing (no kept run in --dir)`);
  truth = JSON.parse(fs.readFileSync(truthFile, 'utf8')) as Truth;
  console.log(`reusing the store in ${dir} (seed ${truth.seed}, ${fmt(truth.citizens)} citizens)`);
} else {
  for (const f of ['events.db', 'readmodels.db', 'keys.db'])
    for (const s of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, f + s), { force: true });
  console.log(
    `write: a year of records, accesses and dossiers into ${dir} (≥ ${fmt(opts.events)} events, ` +
      `≥ ${fmt(opts.logEntries)} access-log entries, ${fmt(citizens)} citizens, seed ${opts.seed})`,
  );
  // the hub's demo registry, contracts and catalogue, written by its seed, with no projection running
  const seeding = await startTestHub({ ...hubOptions, projections: [] });
  try {
    const report = progress('write');
    build = await writeYear({
      app: seeding.app,
      datasets,
      events: opts.events,
      citizens,
      logEntries: opts.logEntries,
      seed: opts.seed,
      onProgress: (done, total, day) =>
        report(done, total, `(${fmt(done)} events, day ${day + 1} of ${DAYS})`),
    });
  } finally {
    await seeding.close();
  }
  truth = build.truth;
  fs.writeFileSync(truthFile, JSON.stringify(truth));
  const k = build.byKind;
  console.log(
    `write: ${fmt(build.events)} events in ${build.seconds.toFixed(1)} s (${fmt(build.events / build.seconds)} events/s, ` +
      `${fmt(build.events / build.cpuSeconds)} per CPU-second): ${fmt(k.records)} record events, ${fmt(k.runs)} connector run events, ` +
      `${fmt(k.accesses)} access events (${fmt(build.auditEntries)} audit-log entries), ${fmt(k.consents)} consents, ` +
      `${fmt(k.dossiers)} dossier events (${fmt(build.dossiers)} dossiers), ${fmt(build.citizens)} citizens`,
  );
}

// ---- the hub on that directory, its projections caught up ------------------------------------------

const projections = allProjections(hubModules);
console.log(`catch-up: the hub opened on ${dir}, ${projections.length} projections`);
const readModelsFile = path.join(dir, 'readmodels.db');
/** The checkpoint of each projection in the read-model file (none before the hub first ran). */
function checkpointsIn(file: string): Map<string, number> {
  if (!fs.existsSync(file)) return new Map();
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT name, position FROM projection_checkpoints').all() as {
      name: string;
      position: number;
    }[];
    return new Map(rows.map((row) => [row.name, row.position]));
  } catch {
    return new Map();
  } finally {
    db.close();
  }
}
const events = new Database(path.join(dir, 'events.db'), { readonly: true });
const storeHead =
  (events.prepare('SELECT MAX(position) AS p FROM events').get() as { p: number | null }).p ?? 0;
events.close();
const before = checkpointsIn(readModelsFile);
const startPosition = Math.min(...projections.map((p) => before.get(p.name) ?? 0));
const watcher = startTypeScriptWorker(new URL('./bench-lineage-watch.ts', import.meta.url), {
  file: readModelsFile,
  head: storeHead,
  projections: projections.length,
} satisfies WatchData);
const catchUpStarted = performance.now();
const catchUpCpu = cpuMicros();
let hub: TestHub;
let reached: Reached;
try {
  hub = await startTestHub({ ...hubOptions, projections });
} finally {
  const answer = new Promise<Reached>((resolve) => watcher.once('message', resolve));
  watcher.postMessage('stop');
  reached = await answer;
  await watcher.terminate();
}
const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;
const catchUpCpuSeconds = (cpuMicros() - catchUpCpu) / 1e6;
const head = (await hub.store.info()).lastPosition;
const caughtUp = storeHead - startPosition;
console.log(
  `catch-up: ${fmt(caughtUp)} events (from position ${fmt(startPosition)}) applied by ${projections.length} projections in ${catchUpSeconds.toFixed(1)} s ` +
    `(${fmt(caughtUp / catchUpSeconds)} events/s, ${fmt(caughtUp / catchUpCpuSeconds)} per CPU-second; boot and seed check included); store head ${fmt(head)}`,
);
const order = Object.entries(reached).sort((a, b) => a[1] - b[1]);
console.log(
  `catch-up: each projection at the head after (s, polled every 2 s): ${order.map(([n, s]) => `${n} ${s.toFixed(0)}`).join(', ')}`,
);

const inspector = await hub.token(AGENCIES.inspector, 'inspector', { official: 'tt-bench-01' });
const r = seededRandom(truth.seed + 17);
const subjectOf = (ci: number) => hub.pseudonymize('citizen', truth.personalIds[ci]!);

// ---- correctness first: totals as written ----------------------------------------------------------

const accessLog = new AccessLogQueries(hub.db);
const filterOf = (input: AccessLogFilterInput) => parseFilter(input, hub.pseudonymize);
{
  let checked = 0;
  for (let ci = 0; ci < truth.citizens; ci += Math.max(1, Math.floor(truth.citizens / 500))) {
    // inspectors' reads of the citizen (a kept store measured before) are entries too, not written here
    const personalId = truth.personalIds[ci];
    const inspections = accessLog.total(filterOf({ personalId, outcome: 'INSPECTION' }));
    const total = accessLog.total(filterOf({ personalId })) - inspections;
    check(
      total === truth.entriesBySubject[ci],
      () => `citizen ${ci}: ${total} entries, ${truth.entriesBySubject[ci]} written`,
    );
    checked++;
  }
  for (const [purpose, n] of Object.entries(truth.entriesByPurpose)) {
    const total = accessLog.total(filterOf({ purpose }));
    check(total === n, () => `purpose ${purpose}: ${total} entries, ${n} written`);
  }
  for (const [outcome, n] of Object.entries(truth.entriesByOutcome)) {
    const total = accessLog.total(filterOf({ outcome }));
    check(total === n, () => `outcome ${outcome}: ${total} entries, ${n} written`);
  }
  console.log(
    `checked: the access log's totals of ${checked} citizens, every purpose and outcome equal what was written`,
  );
}

// ---- measurements --------------------------------------------------------------------------------

const profiler = opts.cpuProf ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

// 1. lineage of a field
const FIELDS = new Map(
  SOURCES.map((s) => [s.dataset, datasets.get(s.dataset)!.fields.filter((f) => f !== 'personalId')]),
);
const DEPTH = 3;
const lineage = new LineageQueries(hub.db, { datasets });
interface FieldAsk {
  ci: number;
  field: string;
  dataset: string | null;
}
/** A random citizen and field: of one dataset, or (three in ten) of every dataset that has it. */
const ask = (): FieldAsk => {
  const ci = r.int(0, truth.citizens - 1);
  const source = r.pick(SOURCES);
  const field = r.pick(FIELDS.get(source.dataset)!);
  return { ci, field, dataset: r.next() < 0.3 ? null : source.dataset };
};
const asks = Array.from({ length: opts.queries }, ask);
const warmAsks = Array.from({ length: 50 }, ask);
const askAt = (i: number) => (i < 0 ? warmAsks[-1 - i]! : asks[i]!);
let notFound = 0;
let nodes = 0;
const serverSide = async (i: number, depth: number) => {
  const a = askAt(i);
  try {
    const g = await lineage.ofField(subjectOf(a.ci), a.field, a.dataset, depth);
    if (i >= 0) nodes += g.nodes.length;
  } catch (error) {
    if (!(error instanceof LineageNotFoundError)) throw error;
    if (i >= 0) notFound++;
  }
};

/** What a followed citizen's answer must name: the newest release of the field, its record event, run and row. */
function checkLineage(g: Pick<LineageGraph, 'nodes' | 'edges'>, ci: number, key: string): void {
  const expected = truth.sampled[ci]![key]!;
  const has = (id: string) => g.nodes.some((n) => n.id === id);
  const access = nodeId.access(expected.accessId);
  const record = nodeId.record(expected.record.eventId);
  const source = SOURCES.find((s) => s.table === expected.record.table)!;
  check(has(access), () => `${key} of citizen ${ci}: release ${expected.accessId} missing`);
  check(
    g.edges.some((e) => e.from === access && e.to === record && e.relation === 'value-from'),
    () =>
      `${key} of citizen ${ci}: release ${expected.accessId} does not name record event ${expected.record.eventId}`,
  );
  const attrs = new Map(g.nodes.find((n) => n.id === record)?.attributes.map((a) => [a.name, a.value]));
  check(
    attrs.get('runId') === expected.record.runId &&
      attrs.get('table') === expected.record.table &&
      attrs.get('primaryKey') === `id=${expected.record.pk}`,
    () => `${key} of citizen ${ci}: record ${record} names ${JSON.stringify(Object.fromEntries(attrs))}`,
  );
  check(has(nodeId.run(expected.record.runId)), () => `${key} of citizen ${ci}: run missing`);
  check(
    has(nodeId.source(source.system, source.table, `id=${expected.record.pk}`)),
    () => `${key} of citizen ${ci}: source row ${source.table} id=${expected.record.pk} missing`,
  );
}
const followed = Object.entries(truth.sampled).flatMap(([ci, fields]) =>
  Object.keys(fields).map((key) => ({ ci: Number(ci), key })),
);
for (const { ci, key } of followed) {
  const [dataset, field] = key.split('/') as [string, string];
  checkLineage(await lineage.ofField(subjectOf(ci), field, dataset, DEPTH), ci, key);
}
console.log(
  `checked: ${fmt(followed.length)} fields of ${Object.keys(truth.sampled).length} followed citizens walk back to the release, record event, run and source row written`,
);

console.log(
  `lineage: ${fmt(opts.queries)} random citizens and fields, depth ${DEPTH} (and 1), server-side then through GraphQL`,
);
const lineageServer = await timed('lineage (server-side)', opts.queries, (i) => serverSide(i, DEPTH));
const lineageNodes = nodes / opts.queries;
const lineageNotFound = notFound;
console.log(
  `${line(`lineageOfField depth ${DEPTH}, server-side (LineageQueries)`, lineageServer)}; ` +
    `${lineageNodes.toFixed(1)} nodes on average, ${fmt(lineageNotFound)} with nothing recorded`,
);
const lineageServer1 = await timed('lineage depth 1 (server-side)', opts.queries, (i) => serverSide(i, 1));
console.log(line('lineageOfField depth 1, server-side', lineageServer1));

// what authentication and GraphQL cost before anything is read or recorded
const base = await timed('GraphQL base', Math.max(10, Math.floor(opts.queries / 4)), async () => {
  const res = await hub.gql(inspector, '{ __typename }');
  check(!res.errors, () => `{ __typename }: ${JSON.stringify(res.errors)}`);
});
console.log(line('an authenticated { __typename }, GraphQL (inject)', base));

const LINEAGE_QUERY = `query($p: String!, $f: String!, $d: String, $depth: Int) {
  lineageOfField(personalId: $p, field: $f, dataset: $d, depth: $depth) {
    root nodes { id kind label at more attributes { name value } } edges { from to relation } } }`;
let gqlFailures = 0;
const firstFailures: string[] = [];
const viaGraphql = async (a: FieldAsk, depth: number) => {
  const res = await hub.gql(inspector, LINEAGE_QUERY, {
    p: truth.personalIds[a.ci],
    f: a.field,
    d: a.dataset,
    depth,
  });
  if (res.errors && res.errors[0]?.extensions.hubCode !== 'LINEAGE_NOT_FOUND') {
    gqlFailures++;
    if (firstFailures.length < 3) firstFailures.push(JSON.stringify(res.errors));
  }
  return res;
};
const lineageGraphql = await timed('lineage (GraphQL)', opts.queries, (i) => viaGraphql(askAt(i), DEPTH));
console.log(line(`lineageOfField depth ${DEPTH}, GraphQL (inject, inspection recorded)`, lineageGraphql));
for (const { ci, key } of followed.slice(0, 50)) {
  const [dataset, field] = key.split('/') as [string, string];
  const res = await viaGraphql({ ci, field, dataset }, DEPTH);
  checkLineage(res.data!.lineageOfField as LineageGraph, ci, key);
}
check(gqlFailures === 0, () => `${gqlFailures} GraphQL lineage queries failed: ${firstFailures.join('; ')}`);
console.log(
  'checked: the GraphQL answers of 50 followed fields name the same release, record event, run and row',
);

// 2. access-log pages
const ENTRY_FIELDS =
  'id outcome at subject agency official dataset fields purpose dossier reason contractId contractVersion consentId count';
const PAGE_QUERY = `query($f: AccessLogFilter, $after: String) {
  accessLogSearch(filter: $f, after: $after) { entries { ${ENTRY_FIELDS} } nextCursor total } }`;
type Entry = Record<string, unknown> & { id: string; at: string; subject: string | null };
interface Ask {
  kind: 'subject' | 'agency-range' | 'purpose' | 'outcome';
  input: AccessLogFilterInput;
}
const dayIso = (d: number) => new Date(YEAR_START + d * 86_400_000).toISOString();
const pageAsk = (): Ask => {
  const kind = r.pick(['subject', 'agency-range', 'purpose', 'outcome'] as const);
  switch (kind) {
    case 'subject':
      return { kind, input: { personalId: truth.personalIds[r.int(0, truth.citizens - 1)] } };
    case 'agency-range': {
      const from = r.int(0, DAYS - 2);
      const to = Math.min(DAYS, from + r.int(1, 31));
      return { kind, input: { agency: r.pick(ACCESS_AGENCIES), from: dayIso(from), to: dayIso(to) } };
    }
    case 'purpose':
      return { kind, input: { purpose: r.pick(truth.purposes) } };
    default:
      return { kind, input: { outcome: r.pick(['RELEASED', 'DENIED']) } };
  }
};
const pageAsks = Array.from({ length: opts.queries }, pageAsk);
const warmPages = Array.from({ length: 50 }, pageAsk);
const pageAt = (i: number) => (i < 0 ? warmPages[-1 - i]! : pageAsks[i]!);

/** Every entry of a page matches its filter, newest first, none seen before on the same walk. */
function checkPage(
  input: AccessLogFilterInput,
  entries: readonly Entry[],
  seen?: Set<string>,
  before?: string,
) {
  const subject = input.personalId ? hub.pseudonymize('citizen', input.personalId) : undefined;
  let last = before ?? '9999';
  for (const e of entries) {
    check(subject === undefined || e.subject === subject, () => `entry ${e.id} of another citizen`);
    check(!input.agency || e.agency === input.agency, () => `entry ${e.id} of agency ${String(e.agency)}`);
    check(
      !input.purpose || e.purpose === input.purpose,
      () => `entry ${e.id} for purpose ${String(e.purpose)}`,
    );
    check(!input.outcome || e.outcome === input.outcome, () => `entry ${e.id} is ${String(e.outcome)}`);
    const at = Date.parse(e.at);
    check(!input.from || at >= Date.parse(input.from), () => `entry ${e.id} before ${input.from}`);
    check(!input.to || at < Date.parse(input.to), () => `entry ${e.id} after ${input.to}`);
    check(Date.parse(e.at) <= Date.parse(last), () => `entry ${e.id} out of order`);
    last = e.at;
    if (seen) {
      check(!seen.has(e.id), () => `entry ${e.id} on two pages`);
      seen.add(e.id);
    }
  }
}
/** The total an agency and time range must have, from what was written (inspections are of another agency). */
const agencyRangeTotal = (input: AccessLogFilterInput) => {
  const from = Math.round((Date.parse(input.from!) - YEAR_START) / 86_400_000);
  const to = Math.round((Date.parse(input.to!) - YEAR_START) / 86_400_000);
  return truth.entriesByAgencyDay[input.agency!]!.slice(from, to).reduce((s, n) => s + n, 0);
};

console.log(
  `access log: ${fmt(opts.queries)} first pages of 100 (by citizen, agency and time range, purpose, outcome) and deep pages`,
);
const byKind = new Map<string, number[]>();
const pageServer = await timed('access-log page (server-side)', opts.queries, (i) => {
  accessLog.search(filterOf(pageAt(i).input), 100, null);
});
// a first page holds as many entries as the filter's total allows
for (const { input } of pageAsks.slice(0, 50)) {
  const filter = filterOf(input);
  const rows = accessLog.search(filter, 100, null).rows.length;
  const total = accessLog.total(filter);
  check(
    rows === Math.min(100, total),
    () => `${JSON.stringify(input)}: ${rows} entries on the first page of ${total}`,
  );
}
const totalServer = await timed('access-log total (server-side)', opts.queries, (i) => {
  const a = pageAt(i);
  const total = accessLog.total(filterOf(a.input));
  if (i >= 0 && a.kind === 'agency-range') {
    const n = agencyRangeTotal(a.input);
    check(total === n, () => `${JSON.stringify(a.input)}: total ${total}, ${n} written`);
  }
});
console.log(line('access-log page, server-side (AccessLogQueries.search)', pageServer));
console.log(line('access-log total, server-side (AccessLogQueries.total)', totalServer));
const pageGraphql = await timed('access-log page (GraphQL)', opts.queries, async (i) => {
  const a = pageAt(i);
  const t = performance.now();
  const res = await hub.gql(inspector, PAGE_QUERY, { f: a.input });
  const ms = performance.now() - t;
  check(!res.errors, () => `accessLogSearch ${JSON.stringify(a.input)}: ${JSON.stringify(res.errors)}`);
  const page = res.data!.accessLogSearch as { entries: Entry[]; total: number };
  checkPage(a.input, page.entries);
  if (i >= 0) {
    if (!byKind.has(a.kind)) byKind.set(a.kind, []);
    byKind.get(a.kind)!.push(ms);
  }
});
console.log(line('access-log page with its total, GraphQL (inject, inspection recorded)', pageGraphql));
for (const [kind, ms] of byKind) {
  ms.sort((a, b) => a - b);
  console.log(
    `  by ${kind}: p50 ${percentile(ms, 50).toFixed(2)} ms, p99 ${percentile(ms, 99).toFixed(2)} ms (n ${ms.length})`,
  );
}

// deep pages: an agency's (or an outcome's) log followed page after page by cursor
const DEEP = 20;
const walks = Math.max(1, Math.ceil(opts.queries / DEEP));
const deepMs: number[] = [];
const deepServerMs: number[] = [];
let deepPages = 0;
for (let w = 0; w < walks; w++) {
  const input: AccessLogFilterInput =
    w % 2 === 0 ? { agency: r.pick(ACCESS_AGENCIES) } : { outcome: 'RELEASED' };
  const seen = new Set<string>();
  let after: string | null = null;
  let before: string | undefined;
  for (let p = 0; p < DEEP; p++) {
    const t0 = performance.now();
    accessLog.search(filterOf(input), 100, after);
    deepServerMs.push(performance.now() - t0);
    const t = performance.now();
    const res = await hub.gql(inspector, PAGE_QUERY, { f: input, after });
    if (p > 0) deepMs.push(performance.now() - t);
    check(!res.errors, () => `deep page ${p + 1} of ${JSON.stringify(input)}: ${JSON.stringify(res.errors)}`);
    const page = res.data!.accessLogSearch as { entries: Entry[]; nextCursor: string | null };
    checkPage(input, page.entries, seen, before);
    deepPages++;
    before = page.entries.at(-1)?.at;
    after = page.nextCursor;
    if (!after) break;
  }
}
deepMs.sort((a, b) => a - b);
deepServerMs.sort((a, b) => a - b);
const deep: Timing = {
  n: deepMs.length,
  p50: percentile(deepMs, 50),
  p99: percentile(deepMs, 99),
  max: deepMs.at(-1) ?? 0,
  cpuP99: 0,
};
console.log(
  `${line(`access-log pages 2–${DEEP} by cursor, GraphQL`, deep).replace(/ \(CPU p99 [^,]*,/, ' (')}; ` +
    `server-side p99 ${percentile(deepServerMs, 99).toFixed(2)} ms; ${fmt(deepPages)} pages, entries checked against the filter, none twice`,
);

if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  fs.writeFileSync(opts.cpuProf!, JSON.stringify(profile));
  profiler.disconnect();
  console.log(`CPU profile of the measurements written to ${opts.cpuProf}`);
}

// 3. audit verify (closes the hub)
const audit = await auditPhase(hub);
console.log(
  `audit verify: ${fmt(audit.entries)} entries (${audit.checkpoints} signed checkpoints, ${fmt(audit.bytes / 1e6)} MB) verified in ${audit.seconds.toFixed(1)} s: ` +
    `${fmt(audit.entries / audit.seconds)} entries/s, ${audit.seconds1m.toFixed(1)} s per million entries${audit.entries < 1e6 ? ' (scaled up from fewer: pass --log-entries 1000000)' : ''}; export ${audit.exportSeconds.toFixed(1)} s`,
);

if (!opts.dir && !opts.keepDir) fs.rmSync(dir, { recursive: true, force: true });
else console.log(`data directory kept: ${dir} (--dir ${dir} --reuse to measure it again)`);

const accessPageP99 = Math.max(pageGraphql.p99, deep.p99);
console.log(
  `targets: lineage p99 ${lineageGraphql.p99.toFixed(2)} ms through GraphQL (≤ 5; server-side ${lineageServer.p99.toFixed(2)}), ` +
    `access-log page p99 ${accessPageP99.toFixed(2)} ms through GraphQL (≤ 20; first pages and deep pages), ` +
    `verify ${audit.seconds1m.toFixed(1)} s per million entries (≤ 30; ${fmt(audit.entries)} verified)`,
);
console.log(
  JSON.stringify({
    lineage_p99_ms: round(lineageGraphql.p99),
    lineage_p50_ms: round(lineageGraphql.p50),
    lineage_cpu_p99_ms: round(lineageGraphql.cpuP99),
    lineage_server_p99_ms: round(lineageServer.p99),
    lineage_server_cpu_p99_ms: round(lineageServer.cpuP99),
    lineage_server_p50_ms: round(lineageServer.p50),
    lineage_server_depth1_p99_ms: round(lineageServer1.p99),
    lineage_depth: DEPTH,
    graphql_base_p50_ms: round(base.p50),
    graphql_base_p99_ms: round(base.p99),
    lineage_nodes_avg: round(lineageNodes, 1),
    access_page_p99_ms: round(accessPageP99),
    access_page_p50_ms: round(pageGraphql.p50),
    access_first_page_p99_ms: round(pageGraphql.p99),
    access_deep_page_p99_ms: round(deep.p99),
    access_first_page_cpu_p99_ms: round(pageGraphql.cpuP99),
    access_page_server_p99_ms: round(pageServer.p99),
    access_total_server_p99_ms: round(totalServer.p99),
    verify_1m_s: round(audit.seconds1m, 1),
    verify_s: round(audit.seconds, 1),
    verify_entries: audit.entries,
    verify_checkpoints: audit.checkpoints,
    verify_bundle_mb: round(audit.bytes / 1e6, 1),
    audit_export_s: round(audit.exportSeconds, 1),
    events: head,
    ...(build && {
      written_events: build.events,
      record_events: build.byKind.records,
      run_events: build.byKind.runs,
      access_events: build.byKind.accesses,
      audit_entries: build.auditEntries,
      consent_events: build.byKind.consents,
      dossier_events: build.byKind.dossiers,
      dossiers: build.dossiers,
      build_s: round(build.seconds, 1),
      build_eps: Math.round(build.events / build.seconds),
    }),
    citizens: truth.citizens,
    catch_up_s: round(catchUpSeconds, 1),
    catch_up_eps: Math.round(caughtUp / catchUpSeconds),
    projections: projections.length,
    queries: opts.queries,
    seed: truth.seed,
    load_avg: round(os.loadavg()[0]!, 1),
    targets_met: lineageGraphql.p99 <= 5 && accessPageP99 <= 20 && audit.seconds1m <= 30,
  }),
);

interface AuditFigures {
  exportSeconds: number;
  seconds: number;
  /** Seconds per million entries (scaled down, or up when the log holds fewer). */
  seconds1m: number;
  entries: number;
  checkpoints: number;
  bytes: number;
}

/**
 * The log's export bundle (`npm run hub -- audit export`: a checkpoint signed over every entry
 * first, as `audit checkpoint` does), then `audit verify` of that file offline, with the hub's
 * published key pinned (`--key`): every entry hashed to its leaf, every tree head, signature and
 * consistency proof. The hub is closed before the verification, which needs nothing of it.
 */
async function auditPhase(h: TestHub): Promise<AuditFigures> {
  const { service } = h.app.audit;
  await h.settle(); // every entry (the measurements' inspections too) in the read model
  await service.checkpoint();
  await h.settle(); // and the checkpoint event, which the bundle is written from
  const jwks = (await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
    keys: { kty: string; crv?: string; x?: string }[];
  };
  const keys = jwks.keys.filter((k) => k.crv === 'Ed25519').map((k) => checkpointVerifier(k.x!));
  const file = path.join(dir, 'audit-bundle.ndjson');
  const entries = service.model.size();
  console.log(`audit: exporting the bundle of ${fmt(entries)} entries to ${file}`);
  const t0 = performance.now();
  let lines = 0;
  const report = progress('audit export');
  async function* counted() {
    for await (const l of service.bundle()) {
      if (++lines % 10_000 === 0) report(lines, entries, `(${fmt(lines)} lines)`);
      yield l;
    }
  }
  await pipeline(Readable.from(chunked(counted())), fs.createWriteStream(file));
  const exportSeconds = (performance.now() - t0) / 1000;
  await h.close();
  const bytes = fs.statSync(file).size;
  console.log(
    `audit: exported ${fmt(bytes / 1e6)} MB in ${exportSeconds.toFixed(1)} s; verifying it offline (audit verify --key)`,
  );
  const verifying = progress('audit verify');
  const t1 = performance.now();
  const verified = await verifyBundle(file, {
    keys,
    onBytes: (n) => verifying(n, bytes, `(${fmt(n / 1e6)} MB)`),
  });
  const seconds = (performance.now() - t1) / 1000;
  check(
    verified.entries === entries,
    () => `the bundle verified ${verified.entries} entries, the log holds ${entries}`,
  );
  check(verified.uncovered === 0, () => `${verified.uncovered} entries not covered by a signed checkpoint`);
  fs.rmSync(file, { force: true });
  return {
    exportSeconds,
    seconds,
    seconds1m: (seconds * 1e6) / verified.entries,
    entries: verified.entries,
    checkpoints: verified.checkpoints,
    bytes,
  };
}
