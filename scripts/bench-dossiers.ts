/**
 * A province-sized month of dossiers through the GraphQL API, in one process.
 * Usage: npm run bench:dossiers [-- --dossiers 20000 --concurrency 32 --citizens 1000]
 *
 * The hub as the server builds it (`buildApp`, embedded SQLite store, read models, jose tokens,
 * contracts and consent checked, DataAccessed appended durably before data is returned), seeded as
 * the tests seed it (calendar, demo agencies with their keys, contracts, the procedure catalogue,
 * synthetic citizens in the population dataset), listening on loopback; this process drives it
 * over real HTTP (keep-alive) with `--concurrency` dossiers in flight, each taken through a whole
 * lifecycle: submit → prefill → complete the declaration → receive → assign → complete a step →
 * approve → issue the result → return it. A mix of procedures, agencies and channels:
 *
 * - birth registration (1.001193) at Phường Ba Đình, online through the citizen portal: no consent
 *   needed, the mother's population record prefills the form;
 * - birth registration at Phường Ngọc Hà, at the desk: its contract needs the citizen's consent,
 *   granted (for the purpose, not one dossier) before the month starts;
 * - permanent residence registration (1.004222) at the Ba Đình ward police, by post.
 *
 * Desks also list their dossiers (`dossiers(filter: { agency, status, submittedFrom,
 * submittedBefore }, first: 20)`), one page every `--page-every` dossiers. The API clock walks
 * through March 2026 as the dossiers start. The contracts the month uses are amended to a rate
 * limit sized for a province (the demo's suit a demo).
 *
 * Prints dossiers/s (complete lifecycles), p50/p99 per request type, the process's CPU per dossier,
 * then CPU per request type measured one request at a time (`--calibrate` dossiers, concurrency 1,
 * the HTTP client's share included), and ends with one JSON line.
 */
import fs from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Command } from 'commander';
import { newCommandMeta } from '../hub/kernel/decider/index.js';
import {
  CONTRACTS_DIR,
  contractFilesIn,
  handleContractCommand,
  readContractFiles,
} from '../hub/modules/contracts/index.js';
import { documentsProjection } from '../hub/modules/documents/index.js';
import { dossiersProjection } from '../hub/modules/dossiers/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../hub/testing/hub.js';
import { tempDir } from '../hub/testing/temp.js';
import { cpuMicros } from './cpu.js';

const opts = new Command('bench-dossiers')
  .description('a month of complete dossier lifecycles through the GraphQL API over loopback HTTP')
  .option('--dossiers <n>', 'complete dossiers to run', '20000')
  .option('--concurrency <n>', 'dossiers in flight', '32')
  .option('--citizens <n>', 'synthetic citizens (applicants)', '1000')
  .option('--page-every <n>', 'one dossier page query per this many dossiers', '5')
  .option('--calibrate <n>', 'dossiers run one request at a time afterwards, for CPU per request type', '100')
  .option(
    '--cpu-prof <file>',
    'write a CPU profile of the measured run (not the seeding) to this .cpuprofile file',
  )
  .parse()
  .opts<{
    dossiers: string;
    concurrency: string;
    citizens: string;
    pageEvery: string;
    calibrate: string;
    cpuProf?: string;
  }>();
const count = Number(opts.dossiers);
const concurrency = Number(opts.concurrency);
const citizenCount = Number(opts.citizens);
const pageEvery = Number(opts.pageEvery);
const calibrateCount = Number(opts.calibrate);
for (const [name, value] of Object.entries({ count, concurrency, citizenCount, pageEvery })) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench-dossiers: --${name} must be a positive integer`);
    process.exit(2);
  }
}

const MONTH_START = Date.UTC(2026, 2, 2, 1); // Monday 2 March 2026, 08:00 in Vietnam
const MONTH_MS = 29 * 86_400_000;
const BIRTH = '1.001193';
const RESIDENCE = '1.004222';
const STATUSES_IN_WORK = ['RECEIVED', 'PROCESSING', 'APPROVED'];

type RequestType =
  | 'submit'
  | 'prefill'
  | 'complete'
  | 'receive'
  | 'assign'
  | 'step'
  | 'approve'
  | 'issue'
  | 'return'
  | 'page';
const TYPES: RequestType[] = [
  'submit',
  'prefill',
  'complete',
  'receive',
  'assign',
  'step',
  'approve',
  'issue',
  'return',
  'page',
];

// ---- HTTP client: keep-alive on loopback ---------------------------------------------------------

let agent: http.Agent | undefined;
let port: number;
interface GqlResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

function post(token: string, body: string): Promise<GqlResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---- what is measured ------------------------------------------------------------------------------

const latencies = new Map<RequestType, number[]>(TYPES.map((t) => [t, []]));
const cpuByType = new Map<RequestType, number[]>(TYPES.map((t) => [t, []]));
let errors = 0;
const firstErrors: string[] = [];
/** Set in the calibration phase: each request's CPU time is recorded (nothing else runs then). */
let measureCpu = false;

class RequestFailed extends Error {}

async function gql(
  type: RequestType,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const body = JSON.stringify({ query, variables });
  const cpu = measureCpu ? cpuMicros() : 0;
  const start = performance.now();
  const res = await post(token, body);
  const ms = performance.now() - start;
  if (measureCpu) cpuByType.get(type)!.push(cpuMicros() - cpu);
  else latencies.get(type)!.push(ms);
  if (res.errors || !res.data) {
    errors++;
    if (firstErrors.length < 5) firstErrors.push(`${type}: ${JSON.stringify(res.errors ?? res)}`);
    throw new RequestFailed(type);
  }
  return res.data;
}

// ---- setup -----------------------------------------------------------------------------------------

/** The contracts the month reads under, amended to a province's rate limit. */
async function provinceRateLimits(hub: TestHub): Promise<void> {
  const { contracts } = readContractFiles(contractFilesIn(CONTRACTS_DIR));
  const meta = () =>
    newCommandMeta({ actor: { kind: 'operator', id: 'bench' }, correlationId: 'bench-dossiers' });
  for (const { terms, revoked } of contracts) {
    if (
      revoked ||
      ![AGENCIES.baDinh, AGENCIES.ngocHa, AGENCIES.baDinhPolice].includes(terms.consumer as never)
    )
      continue;
    await handleContractCommand(hub.store, {
      type: 'ApplyContract',
      data: { ...terms, rateLimit: { requests: 1_000_000, perSeconds: 1 } },
      meta: meta(),
    });
  }
}

interface Citizen {
  personalId: string;
  fullName: string;
  portal: string;
}

const SUBMIT = 'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { id status } }';
const PREFILL = `query($d: ID!, $a: PrefillApplicantInput) { prefill(dossier: $d, applicant: $a) {
  values typed accesses fields { path filled reason } components { code satisfiedBy reason } } }`;
const COMPLETE = `mutation($id: ID!, $input: CompleteDeclarationInput!) { completeDeclaration(id: $id, input: $input) {
  id status onceOnly { fieldsPrefilled fieldsTyped componentsReused componentsUploaded } } }`;
const step = (field: string, input?: string) =>
  `mutation($id: ID!) { ${field}(id: $id${input ? `, input: ${input}` : ''}) { id status } }`;
const RECEIVE = step('receiveDossier');
const ASSIGN = step('assignDossier', '{ department: "Tư pháp - Hộ tịch" }');
const STEP = step('completeStep', '{ step: "thẩm định" }');
const APPROVE = step('approveDossier');
const ISSUE = step('issueResult', '{ paper: true }');
const returnResult = (channel: string) => step('returnResult', `{ channel: ${channel} }`);
const PAGE = `query($f: DossierFilter!) { dossiers(filter: $f, first: 20) {
  edges { cursor node { id status portalStatus procedure channel submittedAt dueAt overdue } }
  pageInfo { hasNextPage endCursor } } }`;

interface Flow {
  name: string;
  agency: string;
  channel: 'ONLINE' | 'DESK' | 'POSTAL';
  procedure: string;
  /** The declaration submitted. */
  submitted(c: Citizen): Record<string, unknown>;
  /** What the citizen still types over the prefilled values, and the documents uploaded. */
  completed(
    values: Record<string, Record<string, unknown>>,
    i: number,
  ): { values: Record<string, unknown>; components: { component: string; documentId: string }[] };
}

const child = (i: number) => ({
  fullName: `Nguyễn An ${i % 2 ? 'Nhiên' : 'Khôi'}`,
  gender: i % 2 ? 'female' : 'male',
  dateOfBirth: '2026-02-20',
  placeOfBirth: 'Bệnh viện Phụ sản Hà Nội',
});
const birthCompleted: Flow['completed'] = (values, i) => ({
  values: { ...values, declarant: { ...values.declarant, relationship: 'mother' }, child: child(i) },
  components: [{ component: 'giay-chung-sinh', documentId: `gcs-${i}` }],
});

const FLOWS: Flow[] = [
  {
    name: 'birth, Ba Đình, online',
    agency: AGENCIES.baDinh,
    channel: 'ONLINE',
    procedure: BIRTH,
    submitted: (c) => ({ mother: { personalId: c.personalId } }),
    completed: birthCompleted,
  },
  {
    name: 'birth, Ngọc Hà (consent), desk',
    agency: AGENCIES.ngocHa,
    channel: 'DESK',
    procedure: BIRTH,
    submitted: (c) => ({ mother: { personalId: c.personalId } }),
    completed: birthCompleted,
  },
  {
    name: 'permanent residence, Ba Đình police, post',
    agency: AGENCIES.baDinhPolice,
    channel: 'POSTAL',
    procedure: RESIDENCE,
    submitted: (c) => ({
      person: { personalId: c.personalId },
      newResidence: { address: 'Số 12, phố Đội Cấn', communeCode: '00004' },
    }),
    completed: (values, i) => ({
      values: { ...values, relationToHead: 'head', headConsent: true },
      components: [{ component: 'cho-o-hop-phap', documentId: `chp-${i}` }],
    }),
  },
];

/** One dossier through its whole lifecycle; false when a request of it failed. */
async function lifecycle(i: number, flow: Flow, c: Citizen, desk: string): Promise<boolean> {
  try {
    const online = flow.channel === 'ONLINE';
    const submitter = online ? c.portal : desk;
    const input = {
      procedure: flow.procedure,
      agency: flow.agency,
      channel: flow.channel,
      ...(online ? {} : { applicantPersonalId: c.personalId }),
      declaration: { values: flow.submitted(c) },
    };
    const { submitDossier } = await gql('submit', submitter, SUBMIT, { input });
    const id = (submitDossier as { id: string }).id;
    const applicant = { personalId: c.personalId, fullName: c.fullName, phone: '0912345678' };
    const { prefill } = await gql('prefill', submitter, PREFILL, { d: id, a: applicant });
    const values = (prefill as { values: Record<string, Record<string, unknown>> }).values;
    await gql('complete', submitter, COMPLETE, { id, input: flow.completed(values, i) });
    for (const [type, query] of [
      ['receive', RECEIVE],
      ['assign', ASSIGN],
      ['step', STEP],
      ['approve', APPROVE],
      ['issue', ISSUE],
      ['return', returnResult(flow.channel)],
    ] as const) {
      await gql(type, desk, query, { id });
    }
    return true;
  } catch (error) {
    if (error instanceof RequestFailed) return false;
    throw error;
  }
}

/** A desk's page: its dossiers in work submitted in the week before the clock. */
async function page(flow: Flow, desk: string, at: number): Promise<void> {
  const filter = {
    agency: flow.agency,
    status: STATUSES_IN_WORK,
    submittedFrom: new Date(at - 7 * 86_400_000).toISOString(),
    submittedBefore: new Date(at + 3_600_000).toISOString(),
  };
  await gql('page', desk, PAGE, { f: filter }).catch((error) => {
    if (!(error instanceof RequestFailed)) throw error;
  });
}

/** mulberry32: the same mix on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Runs `n` dossiers starting at index `from` with `parallel` in flight; returns how many completed. */
async function run(
  hub: TestHub,
  citizens: Citizen[],
  desks: Map<string, string>,
  from: number,
  n: number,
  parallel: number,
  onDone: (done: number) => void,
): Promise<number> {
  const rng = random(20260301 + from);
  const plan = Array.from({ length: n }, () => ({
    flow: FLOWS[Math.floor(rng() * FLOWS.length)]!,
    citizen: citizens[Math.floor(rng() * citizens.length)]!,
  }));
  let next = 0;
  let completed = 0;
  let finished = 0;
  const worker = async () => {
    for (;;) {
      const k = next++;
      if (k >= n) return;
      const { flow, citizen } = plan[k]!;
      const at = MONTH_START + Math.floor(((from + k) / (from + n)) * MONTH_MS);
      hub.setNow(new Date(Math.max(at, lastNow)));
      lastNow = Math.max(at, lastNow);
      const desk = desks.get(flow.agency)!;
      if (await lifecycle(from + k, flow, citizen, desk)) completed++;
      if ((from + k) % pageEvery === 0) await page(flow, desk, lastNow);
      onDone(++finished);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return completed;
}
let lastNow = MONTH_START;

function progress(total: number) {
  const started = performance.now();
  let last = 0;
  const tty = process.stderr.isTTY;
  return (done: number) => {
    const now = performance.now();
    if (done < total && now - last < (tty ? 500 : 5000)) return;
    last = now;
    const rate = done / ((now - started) / 1000);
    const line = `  ${done.toLocaleString('en')}/${total.toLocaleString('en')} dossiers, ${rate.toFixed(0)}/s`;
    process.stderr.write(tty ? `\r${line}   ${done === total ? '\n' : ''}` : `${line}\n`);
  };
}

// ---- main ------------------------------------------------------------------------------------------

const temp = tempDir('lt-bench-dossiers-');
const setupStart = performance.now();
console.log(`seeding a hub in ${temp.dir} (${citizenCount} citizens) …`);
const hub = await startTestHub({
  citizens: citizenCount,
  dir: temp.dir,
  projections: [...API_PROJECTIONS, dossiersProjection, documentsProjection],
});
try {
  await provinceRateLimits(hub);
  await hub.settle();
  hub.setNow(new Date(MONTH_START - 86_400_000));
  await hub.app.listen({ port: 0, host: '127.0.0.1' });
  port = (hub.app.server.address() as AddressInfo).port;
  agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

  const desks = new Map<string, string>();
  for (const flow of FLOWS) {
    desks.set(flow.agency, await hub.token(flow.agency, 'consumer', { official: 'cb-motcua-01' }));
  }
  const citizens: Citizen[] = [];
  for (const c of hub.citizens) {
    const personalId = c.personalId as string;
    const portal = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: personalId });
    citizens.push({ personalId, fullName: c.fullName as string, portal });
  }
  // every citizen consents to Ngọc Hà reading their population record for birth registrations
  let consents = 0;
  const GRANT = `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id } } }`;
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let k = w; k < citizens.length; k += 8) {
        const res = await post(
          citizens[k]!.portal,
          JSON.stringify({
            query: GRANT,
            variables: {
              input: {
                consumer: AGENCIES.ngocHa,
                purposes: [`tthc-${BIRTH}`],
                scope: [
                  {
                    dataset: 'population',
                    fields: ['fullName', 'dateOfBirth', 'ethnicity', 'permanentResidence'],
                  },
                ],
                validUntil: '2099-01-01T00:00:00Z',
              },
            },
          }),
        );
        if (res.errors) throw new Error(`consent not granted: ${JSON.stringify(res.errors)}`);
        consents++;
      }
    }),
  );
  await hub.settle();
  console.log(
    `ready in ${((performance.now() - setupStart) / 1000).toFixed(1)} s: ${citizens.length} citizens, ` +
      `${consents} consents to Ngọc Hà, listening on 127.0.0.1:${port}`,
  );
  console.log(
    `running ${count.toLocaleString('en')} dossiers, ${concurrency} in flight over HTTP (keep-alive), ` +
      `mix: ${FLOWS.map((f) => f.name).join('; ')}; a page query every ${pageEvery} dossiers`,
  );

  const profiler = opts.cpuProf ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const cpuStart = cpuMicros();
  const wallStart = performance.now();
  const completed = await run(hub, citizens, desks, 0, count, concurrency, progress(count));
  const wallS = (performance.now() - wallStart) / 1000;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.writeFileSync(opts.cpuProf!, JSON.stringify(profile));
    profiler.disconnect();
    console.log(`CPU profile of the measured run written to ${opts.cpuProf}`);
  }
  const cpuPerDossier = (cpuMicros() - cpuStart) / count;
  const dossiersPerS = completed / wallS;

  const returned = (
    hub.db.prepare("SELECT count(*) AS n FROM dossiers WHERE status = 'returned'").get() as { n: number }
  ).n;
  const stat = (t: RequestType) => ({
    n: latencies.get(t)!.length,
    p50: percentile(latencies.get(t)!, 50),
    p99: percentile(latencies.get(t)!, 99),
  });
  console.log(
    `\n${completed.toLocaleString('en')} complete dossiers in ${wallS.toFixed(1)} s: ${dossiersPerS.toFixed(0)} dossiers/s ` +
      `(target >= 500); ${returned} returned in the read model; ${errors} failed requests`,
  );
  for (const e of firstErrors) console.log(`  error: ${e}`);
  console.log(
    `CPU: ${(cpuPerDossier / 1000).toFixed(2)} ms per dossier (this process: server and HTTP client), ` +
      `${((cpuMicros() - cpuStart) / 1e6 / wallS).toFixed(2)} cores busy on average; ` +
      `machine load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`,
  );
  console.log('latency per request type (ms, as the client sees it):');
  for (const t of TYPES) {
    const s = stat(t);
    console.log(
      `  ${t.padEnd(9)} n ${String(s.n).padStart(6)}  p50 ${s.p50.toFixed(1).padStart(6)}  p99 ${s.p99.toFixed(1).padStart(6)}`,
    );
  }
  const prefill = stat('prefill');
  const pages = stat('page');
  console.log(
    `prefill p50 ${prefill.p50.toFixed(1)} ms, p99 ${prefill.p99.toFixed(1)} ms (target <= 10); ` +
      `dossier page p50 ${pages.p50.toFixed(1)} ms, p99 ${pages.p99.toFixed(1)} ms (target <= 20)`,
  );

  // CPU per request type: a few dossiers one request at a time, each request's CPU time alone
  const cpuOf: Record<string, number> = {};
  if (calibrateCount > 0) {
    measureCpu = true;
    const base: number[] = [];
    for (let k = 0; k < 200; k++) {
      const before = cpuMicros();
      await post(desks.get(AGENCIES.baDinh)!, JSON.stringify({ query: '{ __typename }' }));
      base.push(cpuMicros() - before);
    }
    await run(hub, citizens, desks, count, calibrateCount, 1, () => undefined);
    const median = (xs: number[]) => percentile(xs, 50);
    cpuOf.base = median(base);
    for (const t of TYPES) cpuOf[t] = median(cpuByType.get(t)!);
    const perDossier = TYPES.filter((t) => t !== 'page').reduce((sum, t) => sum + cpuOf[t]!, 0);
    console.log(
      `CPU per request type, one at a time (µs, median of ${calibrateCount} dossiers; server and HTTP client): ` +
        `${TYPES.map((t) => `${t} ${cpuOf[t]}`).join(', ')}; an authenticated { __typename } ${cpuOf.base}; ` +
        `a lifecycle's requests sum to ${perDossier} µs`,
    );
  }

  console.log(
    JSON.stringify({
      dossiers_per_s: round(dossiersPerS),
      prefill_p50_ms: round(prefill.p50),
      prefill_p99_ms: round(prefill.p99),
      dossier_page_p50_ms: round(pages.p50),
      dossier_page_p99_ms: round(pages.p99),
      cpu_us_per_dossier: Math.round(cpuPerDossier),
      ...Object.fromEntries(Object.entries(cpuOf).map(([t, us]) => [`cpu_us_${t}`, us])),
      ...Object.fromEntries(TYPES.map((t) => [`p99_ms_${t}`, round(stat(t).p99)])),
      dossiers: completed,
      returned,
      errors,
      concurrency,
      wall_s: round(wallS),
      load_avg: round(os.loadavg()[0]!),
    }),
  );
} finally {
  agent?.destroy();
  await hub.close();
  temp.remove();
}
