/**
 * Service index (Decision 766) benchmark: a province-sized year of dossier events written into a
 * fresh embedded store, the index projection rebuilt from zero, then the province's index and
 * drill-down pages queried. Prints progress, the figures, and one JSON line.
 *
 * Phases: `populate` (the write: the province's agencies and catalogue appended, then the year's
 * dossiers generated into a temporary PostgreSQL one-stop database and synced through the
 * one-stop-sql connector; `--direct` appends a planned year directly instead), `rebuild` (the
 * measured projection rebuild), `query` (index and drill-down latencies).
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, InvalidArgumentError } from 'commander';
import type { JWK } from 'jose';
import pino from 'pino';
import { openConnector } from '../connectors/runtime.js';
import { createTempDatabase, PG_ADMIN_URL, serverAvailable } from '../connectors/sql/testing/servers.js';
import { seededRandom } from '../demo/random.js';
import { generateOneStop, type OneStopMix } from '../demo/sources/one-stop.js';
import { withValidation } from '../hub/events/validating-store.js';
import { createEventValidator } from '../hub/events/validator.js';
import { openSqliteEventStore } from '../hub/eventstore/sqlite.js';
import { type CommandMeta, decideAll } from '../hub/kernel/decider/index.js';
import type {
  AppendOptions,
  AppendRequest,
  EventData,
  EventMetadata,
  EventStore,
} from '../hub/kernel/event-store.js';
import { deterministicId } from '../hub/kernel/ids.js';
import type { ProjectionDefinition } from '../hub/kernel/projection.js';
import type { ReadModelDb } from '../hub/kernel/read-model.js';
import {
  type AgencyDescriptor,
  agenciesProjection,
  agencyDecider,
  agencyStream,
  publicJwk,
} from '../hub/modules/agencies/index.js';
import { DOCUMENT_STREAM_CATEGORY } from '../hub/modules/documents/index.js';
import { declarationContext, dossierStream } from '../hub/modules/dossiers/index.js';
import {
  PROCEDURES_DIR,
  type ProcedureDefinition,
  procedureDecider,
  procedureFilesIn,
  procedureStream,
  readProcedureFiles,
} from '../hub/modules/procedures/index.js';
import { loadDatasets, sealingFor } from '../hub/modules/records/index.js';
import {
  CORE_FIGURES,
  defaultMethods,
  type Scope,
  SERVICE_INDEX_MODEL,
  ServiceIndexQueries,
  serviceIndexProjection,
} from '../hub/modules/service-index/index.js';
import { seal } from '../hub/privacy/sealed.js';
import { openReadModelDb } from '../hub/projections/db.js';
import { ProjectionRunner } from '../hub/projections/runner.js';
import { cpuMicros } from './cpu.js';

const whole = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
};

const program = new Command('bench:indicators')
  .description(
    'Benchmark the Decision 766 service index: write a province-sized year of dossier events, rebuild the index from zero, query it',
  )
  .option(
    '--events <n>',
    'dossier events to write (about, at least: the dossiers are counted from it; whole dossiers are written)',
    whole,
    1_000_000,
  )
  .option('--dossiers <n>', 'dossiers to write instead of a number of events', whole)
  .option(
    '--direct',
    'append the dossier events directly instead of syncing them from a one-stop database through the connector',
  )
  .option('--communes <n>', 'communes of the province (each with its People’s Committee)', whole, 120)
  .option('--samples <n>', 'timed queries of each kind', whole, 2000)
  .option('--seed <n>', 'seed of the generator (the same seed writes the same year)', whole, 1)
  .option(
    '--dir <path>',
    'directory for the store and read models (default: a temporary one, removed afterwards)',
  )
  .option('--reuse', 'skip the write: rebuild and query the store a previous run left in --dir')
  .option(
    '--compare [which]',
    'also rebuild first, for comparison: `page-by-page` (without the in-memory rebuilder), `whole-events` (in memory from whole events in one thread, without its split), or both (the default)',
  )
  .option('--threads <n>', 'worker threads of the split rebuild (default: the available parallelism)', whole)
  .parse();
const opts = program.opts<{
  events: number;
  dossiers?: number;
  direct?: boolean;
  communes: number;
  samples: number;
  seed: number;
  dir?: string;
  reuse?: boolean;
  compare?: boolean | string;
  threads?: number;
}>();
if (opts.reuse && !opts.dir) program.error('--reuse needs --dir (the directory of a previous run)');
if (opts.reuse && opts.direct) program.error('--direct chooses how to write; --reuse writes nothing');

const logger = pino({ level: 'silent' });
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const NS = 'a3d1b1f2-6c55-4c1e-9a57-2b0f3e1d7c44';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The year written: 2026 in Vietnam (UTC+7). */
const YEAR_START = Date.parse('2026-01-01T00:00:00+07:00');
const YEAR_END = Date.parse('2027-01-01T00:00:00+07:00');
const PROVINCE = '000.00.00.H40';

/** Progress on stderr, at most once a second, so the figures on stdout stay readable. */
function progress(label: string) {
  let last = 0;
  return (done: number, total: number, extra = '') => {
    const now = performance.now();
    if (now - last < 1000 && done < total) return;
    last = now;
    process.stderr.write(`  ${label}: ${((100 * done) / Math.max(1, total)).toFixed(0)}% ${extra}\n`);
  };
}

const random = seededRandom;
type Random = ReturnType<typeof random>;

// ---------------------------------------------------------------------------------------------
// The province: its People's Committee, departments at province level, communes under it.

interface Agency {
  code: string;
  level: 'province' | 'commune';
  /** Share of the province's dossiers. */
  weight: number;
  /** Indexes into the catalogue of the procedures it handles, most frequent first. */
  procedures: number[];
}

function province(communes: number, catalogue: number, r: Random): Agency[] {
  const agencies: Agency[] = [];
  const procedures = (count: number) =>
    Array.from({ length: count }, () => r.int(0, catalogue - 1)).filter((p, i, all) => all.indexOf(p) === i);
  agencies.push({ code: PROVINCE, level: 'province', weight: 2, procedures: procedures(40) });
  for (let d = 1; d <= 18; d++) {
    const code = `000.${String(d).padStart(2, '0')}.00.H40`;
    agencies.push({
      code,
      level: 'province',
      weight: 1 + r.next() * 5,
      procedures: procedures(r.int(20, 80)),
    });
  }
  for (let c = 1; c <= communes; c++) {
    const code = `H40.${String(c).padStart(3, '0')}.01`;
    agencies.push({
      code,
      level: 'commune',
      weight: 0.3 + r.next() * 1.2,
      procedures: procedures(r.int(30, 60)),
    });
  }
  return agencies;
}

const jwk = publicJwk({
  ...(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as JWK),
  kid: 'bench-1',
  alg: 'EdDSA',
});

const meta = (stream: string, type: string, occurredAt: string): CommandMeta => ({
  now: occurredAt,
  eventId: deterministicId(NS, stream, type),
  metadata: {
    occurredAt,
    actor: { kind: 'system', id: 'bench' },
    correlationId: deterministicId(NS, stream, 'c'),
    causationId: null,
    schemaVersion: 1,
  },
});

function agencyRequests(agencies: Agency[]): AppendRequest[] {
  return agencies.map((a, i) => {
    const descriptor: AgencyDescriptor = {
      organCode: a.code,
      name: a.level === 'commune' ? `Ủy ban nhân dân xã ${i}` : `Sở ${i} tỉnh Bench`,
      level: a.level,
      ...(a.code === PROVINCE ? {} : { parentOrganCode: PROVINCE }),
      roles: ['consumer'],
      keys: { jwks: { keys: [jwk] } },
      validFrom: '2025-07-01',
    };
    const stream = agencyStream(a.code);
    const events = decideAll(agencyDecider, [
      {
        type: 'RegisterAgency',
        data: descriptor,
        meta: meta(stream, 'AgencyRegistered', '2025-07-01T00:00:00+07:00'),
      },
    ]);
    return { stream, events, expectedRevision: 'no_stream' as const };
  });
}

// ---------------------------------------------------------------------------------------------
// The catalogue: the bundled procedures and variants of them under other codes.

interface Procedure {
  code: string;
  /** Legal processing time, days. */
  days: number;
  name: string;
  fee: boolean;
  /** The fee the catalogue publishes, VND (0 without one). */
  feeVnd: number;
  paper: boolean;
  components: number;
}

function catalogue(count: number, r: Random): { procedures: Procedure[]; requests: AppendRequest[] } {
  const { procedures: bundled } = readProcedureFiles(procedureFilesIn(PROCEDURES_DIR));
  const procedures: Procedure[] = [];
  const requests: AppendRequest[] = [];
  for (let n = 0; n < count; n++) {
    const base = bundled[n % bundled.length]!.definition;
    const code = n < bundled.length ? base.code : `2.${String(100000 + n).padStart(6, '0')}`;
    const fee = r.next() < 0.4;
    const paper = r.next() < 0.5;
    const feeVnd = fee ? r.pick([20_000, 50_000, 100_000, 500_000]) : 0;
    const definition: ProcedureDefinition = {
      ...base,
      code,
      fee: { ...base.fee, amount: feeVnd },
      paperResultRequired: paper,
      serviceLevel: r.pick(['full-online', 'full-online', 'partly-online', 'information-only'] as const),
    };
    const stream = procedureStream(code);
    const events = decideAll(procedureDecider, [
      {
        type: 'PublishProcedure',
        data: definition,
        meta: meta(stream, 'ProcedurePublished', '2025-07-01T00:00:00+07:00'),
      },
    ]);
    requests.push({ stream, events, expectedRevision: 'no_stream' });
    procedures.push({
      code,
      name: base.name,
      days: r.pick([1, 3, 5, 7, 10, 15, 20, 30]),
      fee,
      feeVnd,
      paper,
      components: r.int(1, 4),
    });
  }
  return { procedures, requests };
}

// ---------------------------------------------------------------------------------------------
// The year of dossiers, planned compactly (a few numbers per event) and written in time order.

enum Kind {
  Submitted,
  Component,
  Digitised,
  Received,
  Assigned,
  Step,
  Transferred,
  SupplementRequested,
  SupplementSupplied,
  ObligationNotified,
  ObligationPaid,
  Apology,
  Approved,
  ResultIssued,
  ResultReturned,
  Rated,
  Refused,
  Rejected,
  Stopped,
  Withdrawn,
}

const CHANNELS = ['online', 'desk', 'postal'] as const;

class Plan {
  at = new Float64Array(1 << 20);
  dossier = new Int32Array(1 << 20);
  kind = new Uint8Array(1 << 20);
  a = new Float64Array(1 << 20);
  b = new Float64Array(1 << 20);
  events = 0;
  readonly ids: string[] = [];
  readonly agency: number[] = [];
  readonly procedure: number[] = [];
  readonly channel: number[] = [];

  push(dossier: number, at: number, kind: Kind, a = 0, b = 0): void {
    if (this.events === this.at.length) {
      const grow = <T extends Float64Array | Int32Array | Uint8Array>(x: T): T => {
        const y = new (x.constructor as new (n: number) => T)(x.length * 2);
        y.set(x);
        return y;
      };
      this.at = grow(this.at);
      this.dossier = grow(this.dossier);
      this.kind = grow(this.kind);
      this.a = grow(this.a);
      this.b = grow(this.b);
    }
    const i = this.events++;
    this.at[i] = at;
    this.dossier[i] = dossier;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
  }
}

/** yymmdd of an instant in Vietnam. */
const vnDay = (t: number) => new Date(t + 7 * HOUR).toISOString().slice(2, 10).replaceAll('-', '');

/** One dossier's life, as a one-stop system records it; events after the year's end are not written (yet). */
function planDossier(
  plan: Plan,
  r: Random,
  agencies: Agency[],
  weights: number[],
  procedures: Procedure[],
  seq: Map<string, number>,
) {
  const d = plan.ids.length;
  const agencyIndex = r.weighted(weights);
  const agency = agencies[agencyIndex]!;
  const procIndex =
    agency.procedures[
      Math.min(agency.procedures.length - 1, Math.floor(r.next() ** 2 * agency.procedures.length))
    ]!;
  const proc = procedures[procIndex]!;
  const channel = r.weighted([45, 50, 5]);
  // working hours, Monday to Saturday morning
  let day = YEAR_START + r.int(0, 364) * DAY;
  if (new Date(day + 7 * HOUR).getUTCDay() === 0) day += DAY;
  let t = day + (r.int(0, 9 * 60) + 7.5 * 60) * 60_000;
  const key = `${agency.code}-${vnDay(t)}`;
  const n = (seq.get(key) ?? 0) + 1;
  seq.set(key, n);
  plan.ids.push(`${key}-${String(n).padStart(4, '0')}`);
  plan.agency.push(agencyIndex);
  plan.procedure.push(procIndex);
  plan.channel.push(channel);
  const events: [number, Kind, number, number][] = [];
  const put = (kind: Kind, a = 0, b = 0) => events.push([t, kind, a, b]);
  const later = (ms: number) => {
    t += Math.max(1000, Math.round(ms));
  };
  put(Kind.Submitted, r.int(0, 12), r.int(0, 12));
  for (let c = 1; c <= proc.components; c++) {
    later(2000);
    const kind = r.weighted([30, 60, 10]);
    put(Kind.Component, c, kind);
    if (channel === 1 && kind !== 0 && r.next() < 0.6) {
      later(60_000);
      put(Kind.Digitised, c);
    }
  }
  later(channel === 1 ? 5 * 60_000 : r.int(1, 20) * HOUR);
  if (r.next() < 0.04) {
    put(Kind.Refused);
    return finish(plan, d, events);
  }
  let due = t + proc.days * DAY * 1.4;
  put(Kind.Received, due);
  later(r.int(1, 4) * HOUR);
  put(Kind.Assigned);
  let agencyNow = agencyIndex;
  if (r.next() < 0.03) {
    later(r.int(1, 48) * HOUR);
    const to = r.int(0, agencies.length - 1);
    if (to !== agencyNow) {
      put(Kind.Transferred, agencyNow, to);
      agencyNow = to;
    }
  }
  // how long the work really takes: mostly within the deadline, some late
  const late = r.next() < 0.12;
  const span = late ? due - t + r.int(1, 10 * 24) * HOUR : (due - t) * (0.2 + 0.75 * r.next());
  const end = t + span;
  for (let s = r.int(1, 2); s > 0; s--) {
    t += span / 4;
    put(Kind.Step);
  }
  if (r.next() < 0.12) {
    for (let rounds = 0; rounds < 2; rounds++) {
      later(r.int(1, 48) * HOUR);
      const pausedAt = t;
      put(Kind.SupplementRequested);
      if (r.next() < 0.15) {
        // the citizen never supplies: the dossier stops
        later(r.int(10, 30) * DAY);
        put(Kind.Stopped);
        return finish(plan, d, events);
      }
      later(r.int(1, 10) * DAY);
      due += t - pausedAt;
      put(Kind.SupplementSupplied, pausedAt, due);
      if (r.next() > 0.15) break;
    }
  }
  if (proc.fee) {
    later(r.int(1, 24) * HOUR);
    put(Kind.ObligationNotified);
    if (r.next() < 0.92) {
      later(r.int(1, 72) * HOUR);
      put(Kind.ObligationPaid, r.next() < (channel === 0 ? 0.7 : 0.25) ? 1 : 0);
    }
  }
  if (late && r.next() < 0.6 && t < due - DAY) {
    t = due - DAY;
    put(Kind.Apology, due, due + 5 * DAY);
  }
  t = Math.max(t + 60_000, end);
  const outcome = r.weighted([88, 4, 2, 3]);
  if (outcome === 3) {
    put(Kind.Withdrawn);
    return finish(plan, d, events);
  }
  if (outcome === 2) {
    put(Kind.Stopped);
    return finish(plan, d, events);
  }
  put(Kind.Approved);
  later(HOUR);
  if (outcome === 1) {
    put(Kind.Rejected);
    return finish(plan, d, events);
  }
  const electronic = r.next() < 0.65;
  const paper = proc.paper || !electronic || r.next() < 0.3;
  put(Kind.ResultIssued, electronic ? 1 : 0, paper ? 1 : 0);
  if (r.next() < 0.9) {
    later(r.int(1, 120) * HOUR);
    put(Kind.ResultReturned);
    if (r.next() < 0.35) {
      later(r.int(1, 120) * 60_000);
      put(Kind.Rated, r.weighted([3, 4, 8, 30, 55]) + 1);
    }
  }
  return finish(plan, d, events);
}

function finish(plan: Plan, d: number, events: [number, Kind, number, number][]) {
  for (const [at, kind, a, b] of events) if (at < YEAR_END) plan.push(d, at, kind, a, b);
}

const APPLICANT_KEY = { kid: '0123456789abcdef', key: Buffer.alloc(32, 7) };
const HASH = 'ab'.repeat(32);
const RUN_ID = randomUUID();

/** The event of a planned step, with the provenance a connector gives (source row, run). */
function eventOf(
  plan: Plan,
  i: number,
  agencies: Agency[],
  procedures: Procedure[],
): { stream: string; event: EventData } {
  const d = plan.dossier[i]!;
  const id = plan.ids[d]!;
  const at = new Date(plan.at[i]!).toISOString();
  const a = plan.a[i]!;
  const b = plan.b[i]!;
  const agency = agencies[plan.agency[d]!]!.code;
  const applicant = createHash('md5')
    .update(`applicant-${d % 60_000}`)
    .digest('hex');
  const metadata: EventMetadata = {
    occurredAt: at,
    actor: { kind: 'connector', id: 'one-stop-sql' },
    correlationId: RUN_ID,
    causationId: null,
    schemaVersion: 1,
    source: {
      connector: 'one-stop-sql',
      runId: RUN_ID,
      system: 'one-stop-h40',
      table: 'ho_so_su_kien',
      primaryKey: { id: i + 1 },
      fetchedAt: at,
    },
  };
  const kind = plan.kind[i] as Kind;
  if (kind === Kind.Digitised) {
    const documentId = deterministicId(NS, 'doc', id, a);
    return {
      stream: `${DOCUMENT_STREAM_CATEGORY}-${documentId}`,
      event: {
        id: deterministicId(NS, 'e', i),
        type: 'DocumentDigitised',
        data: {
          documentId,
          subject: applicant,
          contentHash: HASH,
          blobHash: HASH,
          size: 120_000,
          mediaType: 'application/pdf',
          pages: 2,
          dossier: id,
          componentCode: `TP${a}`,
          digitisedBy: { agency, official: 'CB-0042' },
          digitisedAt: at,
          certifiedCopy: false,
          resultType: null,
        },
        metadata,
      },
    };
  }
  const [type, data] = dossierData(kind, id, a, b, { agency, agencies, applicant, plan, d, procedures, at });
  return {
    stream: dossierStream(id),
    event: { id: deterministicId(NS, 'e', i), type, data: { dossierId: id, ...data }, metadata },
  };
}

function dossierData(
  kind: Kind,
  id: string,
  a: number,
  b: number,
  c: {
    agency: string;
    agencies: Agency[];
    applicant: string;
    plan: Plan;
    d: number;
    procedures: Procedure[];
    at: string;
  },
): [string, Record<string, unknown>] {
  const iso = (t: number) => new Date(t).toISOString();
  switch (kind) {
    case Kind.Submitted:
      return [
        'DossierSubmitted',
        {
          channel: CHANNELS[c.plan.channel[c.d]!],
          procedure: { code: c.procedures[c.plan.procedure[c.d]!]!.code, version: '1' },
          agency: c.agency,
          applicant: c.applicant,
          declaration: {
            sealed: seal(APPLICANT_KEY, c.applicant, declarationContext(id), {
              fullName: 'Nguyễn Văn An',
              a,
              b,
            }),
            fields: { prefilled: a, typed: b },
          },
          parent: null,
        },
      ];
    case Kind.Component: {
      const component = `TP${a}`;
      const held = { kind: 'document', documentId: deterministicId(NS, 'held', c.applicant, a) };
      const resolution =
        b === 0
          ? { kind: 'reused', source: held }
          : b === 1
            ? { kind: 'uploaded', documentId: deterministicId(NS, 'up', id, a) }
            : { kind: 'asked-again', documentId: deterministicId(NS, 'up', id, a), heldAs: held };
      return ['DossierComponentResolved', { component, resolution }];
    }
    case Kind.Received:
      return ['DossierReceived', { receivedBy: 'CB-0042', appointmentAt: iso(a) }];
    case Kind.Assigned:
      return ['DossierAssigned', { assignee: { official: 'CB-0107', department: 'Phòng Tư pháp' } }];
    case Kind.Step:
      return ['DossierStepCompleted', { step: 'tham-dinh', by: 'CB-0107' }];
    case Kind.Transferred:
      return [
        'DossierTransferred',
        { from: c.agencies[a]!.code, to: c.agencies[b]!.code, reason: 'đúng thẩm quyền' },
      ];
    case Kind.SupplementRequested:
      return ['DossierSupplementRequested', { items: ['TP1'], reason: 'bổ sung bản sao' }];
    case Kind.SupplementSupplied:
      return [
        'DossierSupplementSupplied',
        {
          pausedAt: iso(a),
          pausedWorkingTime: { amount: 2, unit: 'day' },
          dueAt: iso(b),
          appointmentAt: iso(b),
        },
      ];
    case Kind.ObligationNotified:
      return [
        'DossierFinancialObligationNotified',
        { obligationId: 'fee-1', kind: 'fee', amountVnd: 50_000 },
      ];
    case Kind.ObligationPaid:
      return [
        'DossierFinancialObligationPaid',
        {
          obligationId: 'fee-1',
          method: a === 1 ? 'online' : 'desk',
          amountVnd: 50_000,
          paymentReference: `PAY-${id}`,
        },
      ];
    case Kind.Apology:
      return [
        'DossierApologyIssued',
        { reason: 'cần xác minh thêm', previousAppointmentAt: iso(a), appointmentAt: iso(b) },
      ];
    case Kind.Approved:
      return ['DossierApproved', { by: 'LD-0001' }];
    case Kind.ResultIssued:
      return [
        'DossierResultIssued',
        {
          electronic: a === 1 ? { documentId: deterministicId(NS, 'result', id), contentHash: HASH } : null,
          paper: b === 1,
        },
      ];
    case Kind.ResultReturned:
      return ['DossierResultReturned', { channel: CHANNELS[c.plan.channel[c.d]!] }];
    case Kind.Rated:
      return ['DossierRated', { score: a, outOf: 5 }];
    case Kind.Refused:
      return ['DossierRefused', { reason: 'không thuộc thẩm quyền', refusedBy: 'CB-0042' }];
    case Kind.Rejected:
      return ['DossierRejected', { by: 'LD-0001', reason: 'không đủ điều kiện' }];
    case Kind.Stopped:
      return ['DossierProcessingStopped', { reason: 'quá hạn bổ sung' }];
    case Kind.Withdrawn:
      return ['DossierWithdrawn', { reason: null }];
    default:
      throw new Error(`unplanned kind ${kind}`);
  }
}

interface PopulateOptions {
  events: number;
  dossiers?: number;
  communes: number;
  seed: number;
}

/** What the write phase wrote and how fast. */
interface Populated {
  agencies: number;
  dossiers: number;
  /** Events on dossier streams (the direct path also counts the papers digitised at the desk). */
  events: number;
  /** Seconds and CPU seconds of writing the dossier events (the sync, through the connector). */
  seconds: number;
  cpuSeconds: number;
  /** Through the connector: the one-stop database generated, and the rows the sync read and refused. */
  source?: { generateSeconds: number; rows: number; rejected: number };
}

/** The province's agencies and its catalogue, appended as the registry and the catalogue hold them. */
async function seedProvince(store: EventStore, o: PopulateOptions) {
  const r = random(o.seed);
  const { procedures, requests: procedureRequests } = catalogue(240, r);
  const agencies = province(o.communes, procedures.length, r);
  for (const outcome of await store.appendMany([...agencyRequests(agencies), ...procedureRequests])) {
    if (outcome instanceof Error) throw outcome;
  }
  return { r, agencies, procedures };
}

type Province = Awaited<ReturnType<typeof seedProvince>>;

/**
 * The year appended directly (`--direct`), in time order, with the provenance a connector gives:
 * a richer mix than the one-stop database holds (components, papers digitised at the desk,
 * transfers, apologies, electronic results, ratings).
 */
async function populateDirect(
  store: EventStore,
  o: PopulateOptions,
  { r, agencies, procedures }: Province,
): Promise<Populated> {
  const plan = new Plan();
  const weights = agencies.map((a) => a.weight);
  const seq = new Map<string, number>();
  while (o.dossiers !== undefined ? plan.ids.length < o.dossiers : plan.events < o.events)
    planDossier(plan, r, agencies, weights, procedures, seq);
  const order = new Uint32Array(plan.events).map((_, i) => i);
  order.sort((x, y) => plan.at[x]! - plan.at[y]! || x - y);

  const report = progress('write');
  const revisions = new Int32Array(plan.ids.length).fill(-1);
  const started = performance.now();
  const cpu = cpuMicros();
  const CHUNK = 5000;
  for (let from = 0; from < order.length; from += CHUNK) {
    const requests: AppendRequest[] = [];
    for (let k = from; k < Math.min(order.length, from + CHUNK); k++) {
      const i = order[k]!;
      const digitised = plan.kind[i] === Kind.Digitised;
      const d = plan.dossier[i]!;
      const { stream, event } = eventOf(plan, i, agencies, procedures);
      if (digitised) requests.push({ stream, events: [event], expectedRevision: 'no_stream' });
      else {
        const expected = revisions[d]!;
        revisions[d] = expected + 1;
        requests.push({ stream, events: [event], expectedRevision: expected < 0 ? 'no_stream' : expected });
      }
    }
    for (const outcome of await store.appendMany(requests)) if (outcome instanceof Error) throw outcome;
    const done = Math.min(order.length, from + CHUNK);
    report(
      done,
      order.length,
      `(${fmt(done)} events, ${fmt(done / ((performance.now() - started) / 1000))} events/s)`,
    );
  }
  return {
    agencies: agencies.length,
    dossiers: plan.ids.length,
    events: plan.events,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpuMicros() - cpu) / 1e6,
  };
}

/**
 * Dossier events the connector writes per generated dossier with `YEAR_MIX`, a little under the 7.25
 * measured (seed 1, 3,000 dossiers) so that `--events` is reached: sizes the source for `--events`.
 */
const EVENTS_PER_DOSSIER = 7;

/** The one-stop database's mix for the year: the generator's, with more supplements, some asked twice. */
const YEAR_MIX: Partial<OneStopMix> = { supplement: 0.12, supplementAgain: 0.15 };

/** An EventStore whose successful appends to dossier streams are counted in `counter.events`. */
function countingDossierEvents(store: EventStore, counter: { events: number }): EventStore {
  const count = (stream: string, events: number) => {
    if (stream.startsWith('dossier-')) counter.events += events;
  };
  return new Proxy(store, {
    get(target, key) {
      if (key === 'append')
        return async (stream: string, events: readonly EventData[], options: AppendOptions) => {
          const result = await target.append(stream, events, options);
          count(stream, events.length);
          return result;
        };
      if (key === 'appendMany')
        return async (requests: readonly AppendRequest[]) => {
          const outcomes = await target.appendMany(requests);
          outcomes.forEach((o, i) => {
            if (!(o instanceof Error)) count(requests[i]!.stream, requests[i]!.events.length);
          });
          return outcomes;
        };
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The year as a province's one-stop system holds it, synced through the one-stop-sql connector:
 * a temporary PostgreSQL database (dropped at the end, on failure and on SIGINT/SIGTERM too) filled
 * by `generateOneStop` with the province's agencies (as often as their weights) and catalogue, then
 * one run of the connector in this process, as `npm run connector -- sync one-stop-sql` runs it,
 * into the benchmark's store (its record index and subject keys in `dir`).
 */
async function populateThroughConnector(
  store: EventStore,
  dir: string,
  o: PopulateOptions,
  { agencies, procedures }: Province,
): Promise<Populated> {
  if (!(await serverAvailable('postgres')))
    throw new Error(
      `PostgreSQL does not answer at ${PG_ADMIN_URL} (set LIENTHONG_TEST_PG_URL, or use --direct)`,
    );
  const dossiers = o.dossiers ?? Math.ceil(o.events / EVENTS_PER_DOSSIER);
  const source = await createTempDatabase('postgres');
  let dropping: Promise<void> | undefined;
  const drop = () => {
    dropping ??= source.drop();
    return dropping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: dropping the source database ${source.name}\n`);
    drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sealing = sealingFor(
    { pseudonymSecret: randomBytes(32), masterKey: randomBytes(32) },
    path.join(dir, 'keys.db'),
  );
  try {
    console.log(
      `populate: generating ${fmt(dossiers)} dossiers of a one-stop system in PostgreSQL (${source.name})`,
    );
    const generating = progress('generate');
    const generated = await generateOneStop({
      driver: 'postgres',
      connection: source.url,
      dossiers,
      seed: o.seed,
      from: '2026-01-01',
      to: '2026-12-31',
      impossibleRate: 0,
      agencies: agencies.flatMap((a) => Array<string>(Math.max(1, Math.round(a.weight * 10))).fill(a.code)),
      procedures: procedures.map((p) => ({ code: p.code, name: p.name, days: p.days, fee: p.feeVnd })),
      mix: YEAR_MIX,
      onProgress: (done, total) => generating(done, total, `(${fmt(done)} dossiers)`),
    });
    const generateSeconds = generated.durationMs / 1000;
    console.log(
      `populate: generated ${fmt(generated.dossiers)} dossiers, ${fmt(generated.actions)} history rows in ${generateSeconds.toFixed(1)} s`,
    );

    const counter = { events: 0 };
    const connector = openConnector({
      name: 'one-stop-sql',
      hub: {
        store: countingDossierEvents(store, counter),
        sealing,
        datasets: loadDatasets(),
        dataDir: dir,
        close: async () => undefined,
      },
      logger,
      set: [`url=${source.url}`],
    });
    console.log('populate: syncing it through the one-stop-sql connector');
    const syncing = progress('sync');
    const started = performance.now();
    const cpu = cpuMicros();
    const result = await connector.sync({
      onProgress: (p) =>
        syncing(
          p.done,
          p.total,
          `(${fmt(p.done)} rows, ${fmt(p.done / ((performance.now() - started) / 1000))} rows/s, ${fmt(counter.events)} dossier events)`,
        ),
    });
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = (cpuMicros() - cpu) / 1e6;
    if (result.stoppedBy) throw result.stoppedBy;
    return {
      agencies: agencies.length,
      dossiers: generated.dossiers,
      events: counter.events,
      seconds,
      cpuSeconds,
      source: { generateSeconds, rows: result.counts.read, rejected: result.counts.rejected },
    };
  } finally {
    sealing.keys.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await drop();
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers.

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Wall-clock and CPU milliseconds of each call (CPU too, since other work shares the machine). */
function timed(samples: number, label: string, run: (n: number) => void) {
  for (let n = 0; n < Math.min(50, samples); n++) run(n); // warm-up
  const ms: number[] = [];
  const cpu: number[] = [];
  const report = progress(label);
  for (let n = 0; n < samples; n++) {
    const c = cpuMicros();
    const t = performance.now();
    run(n);
    ms.push(performance.now() - t);
    cpu.push((cpuMicros() - c) / 1000);
    report(n + 1, samples);
  }
  ms.sort((x, y) => x - y);
  cpu.sort((x, y) => x - y);
  return {
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms[ms.length - 1]!,
    cpuP50: percentile(cpu, 50),
    cpuP99: percentile(cpu, 99),
  };
}

// ---------------------------------------------------------------------------------------------

const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lt-bench-indicators-'));
fs.mkdirSync(dir, { recursive: true });
const storeFile = path.join(dir, 'events.db');
for (const f of opts.reuse
  ? ['readmodels.db', 'readmodels-compared.db']
  : ['events.db', 'readmodels.db', 'readmodels-compared.db'])
  for (const s of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, f + s), { force: true });
// the connector's record index and the subject keys belong to the store they wrote
if (!opts.reuse)
  for (const f of ['connectors', 'keys.db']) fs.rmSync(path.join(dir, f), { recursive: true, force: true });

const raw = await openSqliteEventStore({ file: storeFile, logger });
let written: Populated | null = null;
if (!opts.reuse) {
  console.log(
    `populate: a province-sized year into ${storeFile}${opts.direct ? ' (appended directly)' : ' through the one-stop-sql connector'}`,
  );
  const store = withValidation(raw, createEventValidator());
  const seeded = await seedProvince(store, opts);
  const w: Populated = opts.direct
    ? await populateDirect(store, opts, seeded)
    : await populateThroughConnector(store, dir, opts, seeded);
  written = w;
  const rate = (n: number) => `${fmt(n / w.seconds)} ${w.source ? 'rows' : 'events'}/s`;
  console.log(
    `populate: ${fmt(w.dossiers)} dossiers, ${fmt(w.events)} dossier events, ${w.agencies} agencies, ` +
      (w.source
        ? `synced ${fmt(w.source.rows)} history rows (${fmt(w.source.rejected)} refused) in ${w.seconds.toFixed(1)} s: ` +
          `${rate(w.source.rows)}, ${fmt(w.events / w.seconds)} events/s, ${fmt(w.source.rows / w.cpuSeconds)} rows per CPU-second; ` +
          `source generated in ${w.source.generateSeconds.toFixed(1)} s`
        : `${w.seconds.toFixed(1)} s (${rate(w.events)}, ${fmt(w.events / w.cpuSeconds)} per CPU-second)`),
  );
}

const methods = defaultMethods();
const indexProjection = serviceIndexProjection(methods);
const db: ReadModelDb = openReadModelDb(path.join(dir, 'readmodels.db'));
const runner = new ProjectionRunner({
  store: raw,
  db,
  projections: [agenciesProjection, indexProjection],
  logger,
  rebuildThreads: opts.threads,
});
await runner.rebuild(agenciesProjection.name);

/** Rebuilds the index through `runner` and prints the rate. */
async function rebuild(label: string, r: ProjectionRunner) {
  console.log(`rebuild${label}: the service index from zero`);
  const report = progress(`rebuild${label}`);
  const cpuBefore = cpuMicros();
  const result = await r.rebuild(SERVICE_INDEX_MODEL, {
    onProgress: (p) => report(p.done, p.total, `(${fmt(p.applied)} events applied)`),
  });
  const cpuSeconds = (cpuMicros() - cpuBefore) / 1e6;
  const eps = result.applied / result.seconds;
  console.log(
    `rebuild${label}: ${fmt(result.applied)} events in ${result.seconds.toFixed(2)} s: ${fmt(eps)} events/s, ` +
      `${fmt(result.applied / cpuSeconds)} events per CPU-second (${cpuSeconds.toFixed(2)} CPU s)`,
  );
  return { ...result, eps, cpuSeconds };
}

let batched: Awaited<ReturnType<typeof rebuild>> | null = null;
let wholeEvents: Awaited<ReturnType<typeof rebuild>> | null = null;
if (opts.compare) {
  // the same projection without its in-memory rebuilder: the runner applies it page by page
  const pageByPage: ProjectionDefinition = {
    ...indexProjection,
    open: (db) => {
      const { rebuilder: _, ...handler } = indexProjection.open(db);
      return handler;
    },
  };
  // its in-memory rebuilder without the split: whole events decoded and folded in this thread
  const inMemory: ProjectionDefinition = {
    ...indexProjection,
    open: (db) => {
      const handler = indexProjection.open(db);
      return {
        ...handler,
        rebuilder: () => {
          const whole = handler.rebuilder!();
          return { apply: (e) => whole.apply(e), write: () => whole.write() };
        },
      };
    },
  };
  const compared = async (label: string, definition: ProjectionDefinition) => {
    const other = openReadModelDb(path.join(dir, 'readmodels-compared.db'));
    const r = new ProjectionRunner({ store: raw, db: other, projections: [definition], logger });
    const result = await rebuild(label, r);
    other.close();
    for (const s of ['', '-wal', '-shm'])
      fs.rmSync(path.join(dir, `readmodels-compared.db${s}`), { force: true });
    return result;
  };
  if (opts.compare !== 'whole-events') batched = await compared(' (page by page)', pageByPage);
  if (opts.compare !== 'page-by-page') wholeEvents = await compared(' (whole events, one thread)', inMemory);
}
const rebuilt = await rebuild('', runner);
const rebuildEps = rebuilt.eps;
const rebuildCpu = rebuilt.cpuSeconds;
await runner.stop();

// Queries, as the API and the CLI make them (ServiceIndexQueries), a few days after the year.
const queries = new ServiceIndexQueries(db, methods, () => new Date('2027-01-10T03:00:00Z'));
const scope: Scope = { kind: 'province', organCode: PROVINCE };
const periods = [
  ...Array.from({ length: 12 }, (_, m) => `2026-${String(m + 1).padStart(2, '0')}`),
  '2026-Q1',
  '2026-Q2',
  '2026-Q3',
  '2026-Q4',
  '2026',
];
const year = queries.index('2026', scope);
console.log(
  `index 2026 of ${PROVINCE}: score ${year.score}/${year.measuredPoints} measured (${year.totalPoints} in all); ` +
    `received ${fmt(year.core.received)}, finished ${fmt(year.core.finished)}, overdue ${fmt(year.core.overdue)}`,
);
const index = timed(opts.samples, 'index query', (n) => queries.index(periods[n % periods.length]!, scope));
console.log(
  `index query (province, period): p50 ${index.p50.toFixed(2)} ms, p99 ${index.p99.toFixed(2)} ms, max ${index.max.toFixed(2)} ms; CPU p50 ${index.cpuP50.toFixed(2)} ms, p99 ${index.cpuP99.toFixed(2)} ms`,
);

const refs = [
  ...methods.methods[0]!.indicators.filter((i) => !i.external).flatMap((i) => [
    { indicator: i.code, part: 'numerator' as const },
    { indicator: i.code, part: 'denominator' as const },
  ]),
  ...CORE_FIGURES.map((figure) => ({ figure })),
];
const r = random(opts.seed + 1);
const cursors = new Map<string, string>();
const drill = timed(opts.samples, 'drill-down page', () => {
  const period = r.pick(periods);
  const ref = r.pick(refs);
  const key = `${period}/${JSON.stringify(ref)}`;
  // half the pages continue where the last page of the same figure ended
  const after = r.next() < 0.5 ? (cursors.get(key) ?? null) : null;
  const page = queries.dossiers(period, scope, ref, { first: 50, after });
  if (page.endCursor && page.hasNextPage) cursors.set(key, page.endCursor);
  else cursors.delete(key);
});
console.log(
  `drill-down page (50 dossier ids behind a figure): p50 ${drill.p50.toFixed(2)} ms, p99 ${drill.p99.toFixed(2)} ms, max ${drill.max.toFixed(2)} ms; CPU p50 ${drill.cpuP50.toFixed(2)} ms, p99 ${drill.cpuP99.toFixed(2)} ms`,
);

db.close();
await raw.close();
if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    rebuild_eps: Math.round(rebuildEps),
    rebuild_events: rebuilt.applied,
    rebuild_seconds: Number(rebuilt.seconds.toFixed(2)),
    rebuild_events_per_cpu_s: Math.round(rebuilt.applied / rebuildCpu),
    ...(batched && {
      rebuild_page_by_page_eps: Math.round(batched.eps),
      rebuild_page_by_page_events_per_cpu_s: Math.round(batched.applied / batched.cpuSeconds),
    }),
    ...(wholeEvents && {
      rebuild_whole_events_eps: Math.round(wholeEvents.eps),
      rebuild_whole_events_events_per_cpu_s: Math.round(wholeEvents.applied / wholeEvents.cpuSeconds),
    }),
    index_p50_ms: Number(index.p50.toFixed(3)),
    index_p99_ms: Number(index.p99.toFixed(3)),
    index_cpu_p99_ms: Number(index.cpuP99.toFixed(3)),
    drilldown_p50_ms: Number(drill.p50.toFixed(3)),
    drilldown_p99_ms: Number(drill.p99.toFixed(3)),
    drilldown_cpu_p99_ms: Number(drill.cpuP99.toFixed(3)),
    ...(written && {
      dossiers: written.dossiers,
      dossier_events: written.events,
      agencies: written.agencies,
      populate_eps: Math.round(written.events / written.seconds),
      populate_through: written.source ? 'one-stop-sql' : 'direct',
    }),
    ...(written?.source && {
      populate_generate_s: Number(written.source.generateSeconds.toFixed(1)),
      populate_source_rows: written.source.rows,
      populate_sync_s: Number(written.seconds.toFixed(1)),
      populate_sync_rows_per_s: Math.round(written.source.rows / written.seconds),
    }),
    targets_met: rebuildEps >= 150_000 && index.p99 <= 10 && drill.p99 <= 20,
  }),
);
