/**
 * Pages of the access log at scale.
 * Usage: npm run bench:access-log [-- --entries 1000000 --pages 2000]
 *
 * Builds the `access-log` read model (hub/modules/access-log) in a temporary read-model file with
 * `--entries` access events applied by the projection itself, one transaction per 10,000 events as
 * the projection runner does: releases (about 90 %), refusals, document downloads, operators' reads,
 * gathered RATE_LIMITED refusals and inspectors' reads, about 50,000 citizens, 200 agencies with 10
 * officials each, 30 purposes, 7 datasets, over a year. Then measures, with `AccessLogQueries` (what
 * `accessLogSearch` and the export run), `--pages` pages of 100 entries for each kind of filter —
 * none, a citizen, an agency, an agency and an official, an outcome, a purpose and a time range, a
 * combination whose equalities are each common but rare together — each page the first or one after
 * a random cursor; the `total` of each; and an export's read of 100,000 entries. Prints p50/p99 per
 * kind and ends with one JSON line (`access_page_p99_ms` is the worst p99 of the page kinds).
 */
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { seededRandom } from '../demo/random.js';
import type { RecordedEvent } from '../hub/kernel/event-store.js';
import {
  type AccessLogFilter,
  AccessLogQueries,
  accessLogProjection,
  parseFilter,
} from '../hub/modules/access-log/index.js';
import { createPseudonymizer } from '../hub/privacy/pseudonym.js';
import { openReadModelDb } from '../hub/projections/db.js';
import { tempDir } from '../hub/testing/temp.js';

const opts = new Command('bench:access-log')
  .description('Pages of the access log read model at scale; ends with one JSON line')
  .option('--entries <n>', 'access events in the log', (v) => Number.parseInt(v, 10), 1_000_000)
  .option('--pages <n>', 'pages measured per kind of filter', (v) => Number.parseInt(v, 10), 2000)
  .parse()
  .opts<{ entries: number; pages: number }>();

const seeded = seededRandom(14); // the same log on every run
const rnd = seeded.next;
const pick = seeded.pick;

const pseudonymize = createPseudonymizer(Buffer.alloc(32, 7));
const CITIZENS = 50_000;
const personalId = (i: number) => String(100_000_000_000 + i);
const subjects = Array.from({ length: CITIZENS }, (_, i) => pseudonymize('citizen', personalId(i)));
const agencies = Array.from(
  { length: 200 },
  (_, i) => `000.${String(i % 100).padStart(2, '0')}.${String(Math.floor(i / 100) + 1).padStart(2, '0')}.H26`,
);
const purposes = Array.from({ length: 30 }, (_, i) => `tthc-1.${String(1000 + i * 37).padStart(6, '0')}`);
const datasets = [
  'population',
  'civil-status',
  'social-insurance',
  'judicial-records',
  'driving-licences',
  'land-parcels',
  'business-registry',
];
const START = Date.UTC(2025, 6, 1);
const YEAR_MS = 365 * 86_400_000;

function accessEvent(n: number): RecordedEvent {
  const at = new Date(
    START + Math.floor((n / opts.entries) * YEAR_MS) + Math.floor(rnd() * 1000),
  ).toISOString();
  const agencyIndex = Math.floor(rnd() ** 2 * agencies.length); // some agencies far busier than others
  const agency = agencies[agencyIndex]!;
  const caller = {
    agency,
    official: `cb-${agencyIndex}-${Math.floor(rnd() * 10)}`,
    role: 'consumer',
    tokenId: 't',
  };
  const subject = pick(subjects);
  const base = {
    caller,
    subject,
    dataset: pick(datasets),
    fields: ['fullName'],
    purpose: pick(purposes),
    dossier: null,
    requestId: `r${n}`,
  };
  const r = rnd();
  let type: string;
  let data: unknown;
  if (r < 0.9) {
    type = 'DataAccessed';
    data = { ...base, contract: { id: 'c', version: 1 }, consentId: null, sources: [] };
  } else if (r < 0.98) {
    type = 'DataAccessDenied';
    data = { ...base, reason: 'FIELD_NOT_IN_CONTRACT', contract: null, consentId: null };
  } else if (r < 0.99) {
    type = 'DocumentAccessed';
    data = {
      ...base,
      dataset: 'documents',
      fields: ['content'],
      document: { documentId: 'd', contentHash: 'h' },
    };
  } else if (r < 0.995) {
    type = 'InspectionPerformed';
    data = {
      caller: { ...caller, agency: '000.00.00.G17', role: 'inspector' },
      kind: 'access-log',
      subject,
      query: {},
      count: 10,
      requestId: `r${n}`,
    };
  } else if (r < 0.998) {
    type = 'DataAccessedByOperator';
    data = {
      ...base,
      caller: { ...caller, role: 'operator' },
      record: { eventId: 'e', stream: 's', revision: 0 },
      tool: 'connector records',
    };
  } else {
    type = 'AccessRateLimited';
    const one = { listed: [subject], others: 0 };
    data = {
      agency,
      count: 30,
      firstAt: at,
      lastAt: at,
      subjects: { listed: [subject, pick(subjects)], others: 5 },
      purposes: one,
      officials: { listed: [caller.official], others: 0 },
    };
  }
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type,
    data,
    metadata: {
      occurredAt: at,
      actor: { kind: 'agency', id: agency },
      correlationId: `r${n}`,
      causationId: null,
      schemaVersion: 1,
    },
    stream: `access-${subject}`,
    revision: 0,
    position: n + 1,
    recordedAt: at,
  };
}

const temp = tempDir();
const db = openReadModelDb(`${temp.dir}/readmodels.db`);
const handler = accessLogProjection.open(db);
const built = performance.now();
const BATCH = 10_000;
const batch = db.transaction((from: number, to: number) => {
  for (let n = from; n < to; n++) handler.apply(accessEvent(n));
  handler.endBatch?.();
});
for (let from = 0; from < opts.entries; from += BATCH)
  batch.immediate(from, Math.min(opts.entries, from + BATCH));
const buildSeconds = (performance.now() - built) / 1000;
console.log(`built ${opts.entries.toLocaleString('en')} entries in ${buildSeconds.toFixed(1)} s`);

const queries = new AccessLogQueries(db);
const someAgency = () => agencies[Math.floor(rnd() ** 2 * agencies.length)]!;
const kinds: Record<string, () => Record<string, string>> = {
  none: () => ({}),
  citizen: () => ({ personalId: personalId(Math.floor(rnd() * CITIZENS)) }),
  agency: () => ({ agency: someAgency() }),
  'agency+official': () => {
    const i = Math.floor(rnd() ** 2 * agencies.length);
    return { agency: agencies[i]!, official: `cb-${i}-${Math.floor(rnd() * 10)}` };
  },
  'outcome=DENIED': () => ({ outcome: 'DENIED' }),
  'purpose+month': () => {
    const from = START + Math.floor(rnd() * 11) * 30 * 86_400_000;
    return {
      purpose: pick(purposes),
      from: new Date(from).toISOString(),
      to: new Date(from + 30 * 86_400_000).toISOString(),
    };
  },
  'dataset+outcome+agency': () => ({ dataset: pick(datasets), outcome: 'OPERATOR', agency: someAgency() }),
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const results: Record<string, { p50: number; p99: number; total_p99: number }> = {};
for (const [kind, make] of Object.entries(kinds)) {
  const pages: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < opts.pages; i++) {
    const filter: AccessLogFilter = parseFilter(make(), pseudonymize);
    // every other page after a cursor somewhere in the slice: the first page of another search
    let after: string | null = null;
    if (i % 2 === 1) after = queries.search(filter, 1 + Math.floor(rnd() * 300), null).nextCursor;
    const t0 = performance.now();
    queries.search(filter, 100, after);
    pages.push(performance.now() - t0);
    if (i < opts.pages / 10) {
      const t1 = performance.now();
      queries.total(filter);
      totals.push(performance.now() - t1);
    }
  }
  pages.sort((a, b) => a - b);
  totals.sort((a, b) => a - b);
  results[kind] = {
    p50: percentile(pages, 0.5),
    p99: percentile(pages, 0.99),
    total_p99: percentile(totals, 0.99),
  };
  console.log(
    `${kind.padEnd(24)} page p50 ${results[kind].p50.toFixed(2)} ms  p99 ${results[kind].p99.toFixed(2)} ms   total p99 ${results[kind].total_p99.toFixed(2)} ms`,
  );
}

const exportFilter = parseFilter({}, pseudonymize);
const t2 = performance.now();
let exported = 0;
for (const rows of queries.slice(exportFilter, queries.head())) {
  exported += rows.length;
  if (exported >= 100_000) break;
}
const exportRate = exported / ((performance.now() - t2) / 1000);
console.log(`export read: ${Math.round(exportRate).toLocaleString('en')} entries/s`);

db.close();
temp.remove();
const worst = Math.max(...Object.values(results).map((r) => r.p99));
console.log(
  JSON.stringify({
    entries: opts.entries,
    build_s: Number(buildSeconds.toFixed(1)),
    access_page_p99_ms: Number(worst.toFixed(2)),
    pages: Object.fromEntries(
      Object.entries(results).map(([k, r]) => [
        k,
        {
          p50_ms: Number(r.p50.toFixed(2)),
          p99_ms: Number(r.p99.toFixed(2)),
          total_p99_ms: Number(r.total_p99.toFixed(2)),
        },
      ]),
    ),
    export_entries_per_s: Math.round(exportRate),
  }),
);
