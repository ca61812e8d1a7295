/**
 * The store `npm run bench:lineage` measures: a year (2026) of one hub's records, accesses and
 * dossiers, written with the hub's own builders and appended through its validating store.
 *
 * - Records: the population, civil-status and judicial-records databases, synced by their SQL
 *   connectors (`population-sql`, `civil-status-sql`, `judicial-records-sql`): a first run on
 *   1 January with every row, then a run each night with the rows changed that day. Every run is
 *   `ConnectorRunStarted` … `ConnectorRunCompleted` on `connector-<name>`; every record event is
 *   `buildUpsert`'s (personal fields sealed under the citizen's key, pseudonyms and content versions
 *   from the hub's secrets) with the provenance the connector kit gives (`metadataFor`: run, system,
 *   table, primary key, position).
 * - Accesses: releases (`DataAccessed`, each value naming the record event it came from, the
 *   contract version, the consent relied on), refusals (`DataAccessDenied`), the deferred
 *   disclosure a contract's rule writes with its release (`DisclosureDeferred`), consents
 *   (`ConsentGranted`, through `consentDecider`), by the demo agencies under the demo contracts.
 * - Dossiers: birth registrations (`dossierDecider`): submitted online or at the desk, prefilled
 *   from the mother's population record (its `DataAccessed` names the dossier), completed with
 *   the mother's details reused from that record (or asked again) and the birth attestation
 *   uploaded, received, assigned, approved, the result issued and returned.
 *
 * Everything follows from the seed: the same seed writes the same year. Events are appended in
 * time order, day by day, through `appendMany` in large batches; what the benchmark checks its
 * answers against is kept (`Truth`).
 */
import type { FastifyInstance } from 'fastify';
import { metadataFor } from '../connectors/kit/plan.js';
import { seededRandom } from '../demo/random.js';
import { syntheticCitizens } from '../demo/seed/population.js';
import { type CommandMeta, decideAll } from '../hub/kernel/decider/index.js';
import type { AppendRequest, EventData, EventStore } from '../hub/kernel/event-store.js';
import { deterministicId } from '../hub/kernel/ids.js';
import { addLocalDays, DAY_MS, localDateOf, VIETNAM_OFFSET_MS } from '../hub/kernel/local-date.js';
import { buildMetadata } from '../hub/kernel/metadata.js';
import type { DataAccessDenied, DataAccessed, DisclosureDeferred } from '../hub/modules/access/index.js';
import { accessStream } from '../hub/modules/access/index.js';
import { consentDecider, consentStream } from '../hub/modules/consent/index.js';
import {
  CONTRACTS_DIR,
  type ContractTerms,
  contractFilesIn,
  contractStream,
  readContractFiles,
} from '../hub/modules/contracts/index.js';
import {
  type DossierCommand,
  declarationContext,
  dossierDecider,
  dossierStream,
  formatDossierId,
  prefillContext,
} from '../hub/modules/dossiers/index.js';
import { buildUpsert, type DatasetDefinition, type RecordSealing } from '../hub/modules/records/index.js';
import { seal } from '../hub/privacy/sealed.js';

/** The namespace of the benchmark's deterministic ids (runs, requests, tokens …). */
const NS = '6f1d3c0e-8a52-4b7e-9d14-2c5e7a9b3f60';
const HOUR = 3_600_000;
/** 1 January 2026, 00:00 in Vietnam. */
export const YEAR_START = Date.parse('2026-01-01T00:00:00+07:00');
export const DAYS = 365;

export type Random = ReturnType<typeof seededRandom>;

/** A UUIDv4 drawn from the seeded generator: ids the way `randomId` makes them, repeatable. */
function uuid4(r: Random): string {
  const h = Buffer.alloc(16);
  for (let i = 0; i < 16; i += 4) h.writeUInt32BE(Math.floor(r.next() * 4_294_967_296), i);
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// ---- the source systems and their connectors ------------------------------------------------------

interface Source {
  dataset: 'population' | 'civil-status' | 'judicial-records';
  connector: string;
  system: string;
  table: string;
  /** Share of the citizens whose row changes on a given night. */
  nightlyChange: number;
}

export const SOURCES: readonly Source[] = [
  {
    dataset: 'population',
    connector: 'population-sql',
    system: 'postgresql://csdlqg-dancu.bca.gov.vn:5432/dancu',
    table: 'cong_dan',
    nightlyChange: 0.0004,
  },
  {
    dataset: 'civil-status',
    connector: 'civil-status-sql',
    system: 'mysql://hotich.moj.gov.vn:3306/hotich',
    table: 'khai_sinh',
    nightlyChange: 0.0001,
  },
  {
    dataset: 'judicial-records',
    connector: 'judicial-records-sql',
    system: 'postgresql://lltp.moj.gov.vn:5432/lylich',
    table: 'ly_lich',
    nightlyChange: 0.00003,
  },
];

/** One citizen as the source systems hold them, and what the hub wrote about them so far. */
interface Citizen {
  personalId: string;
  subject: string;
  population: Record<string, unknown>;
  adult: boolean;
  /** The latest record event of each dataset (index into SOURCES), and its content version. */
  latest: (RecordVersion | undefined)[];
  /** The consent of the citizen to Hanoi's judicial-record reads, and until when (ms). */
  judicialConsent?: { id: string; until: number };
}

/** A record event as the benchmark remembers it: what a lineage answer must name. */
export interface RecordVersion {
  eventId: string;
  stream: string;
  revision: number;
  version: string;
  runId: string;
  table: string;
  /** The source row's primary key value (`id`). */
  pk: number;
  at: number;
}

// ---- who reads what, under which contract -------------------------------------------------------

interface Flow {
  name: string;
  agency: string;
  contract: string;
  dataset: Source['dataset'];
  /** Fields asked for: a draw of these, at least `min`. */
  fields: readonly string[];
  min: number;
  purposes: readonly string[];
  weight: number;
  /** Officials of the agency who ask. */
  officials: number;
}

const BA_DINH = '000.04.01.H26';
const NGOC_HA = '000.08.01.H26';
const HANOI = '000.00.00.H26';
const BA_DINH_POLICE = '000.21.01.H26';
const HANOI_SOCIAL_SECURITY = '000.22.00.H26';
const HOAN_KIEM = '000.70.01.H26';
const PORTAL = '000.10.00.G12';
const BIRTH = '1.001193';

/** Releases outside dossiers, by weight; the Hanoi judicial-record certificate reads three datasets. */
const FLOWS: readonly Flow[] = [
  {
    name: 'Ba Đình ward, civil procedures',
    agency: BA_DINH,
    contract: 'c06-to-ba-dinh-civil-procedures',
    dataset: 'population',
    fields: ['fullName', 'dateOfBirth', 'gender', 'permanentResidence', 'household'],
    min: 2,
    purposes: ['tthc-1.004222', 'tthc-1.002357', 'tthc-1.000656'],
    weight: 30,
    officials: 12,
  },
  {
    name: 'Ba Đình police, investigation',
    agency: BA_DINH_POLICE,
    contract: 'c06-to-ba-dinh-police-investigation',
    dataset: 'population',
    fields: ['fullName', 'dateOfBirth', 'permanentResidence', 'household'],
    min: 2,
    purposes: ['criminal-investigation'],
    weight: 8,
    officials: 6,
  },
  {
    name: 'Hanoi social security, child cards',
    agency: HANOI_SOCIAL_SECURITY,
    contract: 'moj-to-hanoi-social-security-child-card',
    dataset: 'civil-status',
    fields: ['fullName', 'dateOfBirth', 'birthRegistrationNumber', 'motherName'],
    min: 3,
    purposes: ['tthc-9.000001'],
    weight: 6,
    officials: 8,
  },
  {
    name: 'Ba Đình ward, death registration',
    agency: BA_DINH,
    contract: 'moj-to-ba-dinh-civil-status-death',
    dataset: 'civil-status',
    fields: ['fullName', 'dateOfBirth', 'maritalStatus'],
    min: 2,
    purposes: ['tthc-1.000656'],
    weight: 4,
    officials: 12,
  },
];

/** The Hanoi judicial-record certificate: population, civil status and (with consent) the judicial record. */
const JUDICIAL: readonly Flow[] = [
  {
    name: 'Hanoi, judicial-record certificate (population)',
    agency: HANOI,
    contract: 'c06-to-hanoi-judicial-record',
    dataset: 'population',
    fields: ['fullName', 'dateOfBirth', 'gender', 'ethnicity', 'permanentResidence'],
    min: 5,
    purposes: ['tthc-2.000488'],
    weight: 0,
    officials: 10,
  },
  {
    name: 'Hanoi, judicial-record certificate (civil status)',
    agency: HANOI,
    contract: 'moj-to-hanoi-civil-status-judicial-record',
    dataset: 'civil-status',
    fields: ['fullName', 'dateOfBirth', 'placeOfBirth', 'motherName', 'maritalStatus'],
    min: 5,
    purposes: ['tthc-2.000488'],
    weight: 0,
    officials: 10,
  },
  {
    name: 'Hanoi, judicial-record certificate (judicial record)',
    agency: HANOI,
    contract: 'ncjr-to-hanoi-judicial-record',
    dataset: 'judicial-records',
    fields: [
      'fullName',
      'dateOfBirth',
      'hasCriminalRecord',
      'convictions',
      'bannedFromPositions',
      'updatedOn',
    ],
    min: 6,
    purposes: ['tthc-2.000488'],
    weight: 0,
    officials: 10,
  },
];
const JUDICIAL_WEIGHT = 12;

/** Refusals, as the release service records them (the code the caller saw), by weight. */
const REFUSALS = [
  {
    agency: BA_DINH_POLICE,
    contract: 'c06-to-ba-dinh-police-investigation' as string | null,
    dataset: 'population',
    fields: ['fullName', 'ethnicity'],
    purpose: 'criminal-investigation',
    reason: 'FIELD_NOT_IN_CONTRACT',
    weight: 2,
  },
  {
    agency: HOAN_KIEM,
    contract: null,
    dataset: 'population',
    fields: ['fullName', 'household'],
    purpose: 'household-survey',
    reason: 'PURPOSE_NOT_ALLOWED',
    weight: 1,
  },
  {
    agency: HANOI,
    contract: 'ncjr-to-hanoi-judicial-record' as string | null,
    dataset: 'judicial-records',
    fields: ['hasCriminalRecord', 'convictions'],
    purpose: 'tthc-2.000488',
    reason: 'CONSENT_REQUIRED',
    weight: 2,
  },
];
const REFUSAL_WEIGHT = 3;

/** The birth registrations: online through the portal at Ba Đình, at the desk at Ngọc Hà (consent). */
const BIRTH_FLOWS = [
  {
    agency: BA_DINH,
    contract: 'c06-to-ba-dinh-birth-registration',
    channel: 'online' as const,
    consent: false,
  },
  { agency: NGOC_HA, contract: 'c06-to-ngoc-ha-birth-registration', channel: 'desk' as const, consent: true },
];
const MOTHER_FIELDS = ['fullName', 'dateOfBirth', 'ethnicity', 'permanentResidence'];

/** Every organ code an access names (the access-log filters draw from them). */
export const ACCESS_AGENCIES = [BA_DINH, NGOC_HA, HANOI, BA_DINH_POLICE, HANOI_SOCIAL_SECURITY, HOAN_KIEM];

// ---- what the benchmark checks its answers against ----------------------------------------------

/** The newest release of one field of a sampled citizen, and the record event its value came from. */
export interface ReleasedField {
  accessId: string;
  dataset: string;
  record: RecordVersion;
}

export interface Truth {
  seed: number;
  citizens: number;
  /** Personal ID numbers, by citizen index (what an inspector types). */
  personalIds: string[];
  /** Entries each citizen has in the access log (releases and refusals). */
  entriesBySubject: number[];
  /** Entries of each agency by day of the year (index = day). */
  entriesByAgencyDay: Record<string, number[]>;
  /** Entries of each purpose, and of each outcome. */
  entriesByPurpose: Record<string, number>;
  entriesByOutcome: Record<string, number>;
  /** For sampled citizens: per `dataset/field`, the newest release naming it. */
  sampled: Record<string, Record<string, ReleasedField>>;
  /** For sampled citizens: the latest record event of each dataset they have. */
  sampledRecords: Record<string, Record<string, RecordVersion>>;
  /** For sampled dossiers: the record event the mother's details were reused from. */
  sampledDossiers: Record<string, { component: string; resolution: string; recordEventId: string | null }>;
  /** Every purpose the log names. */
  purposes: string[];
}

export interface Written {
  events: number;
  byKind: {
    records: number;
    runs: number;
    accesses: number;
    consents: number;
    dossiers: number;
    other: number;
  };
  /** Entries of the audit log written (accesses: releases, refusals, deferred disclosures). */
  auditEntries: number;
  dossiers: number;
  citizens: number;
  seconds: number;
  cpuSeconds: number;
  truth: Truth;
}

export interface WriteOptions {
  /** The hub the events are written through (not running projections): its store, its sealing. */
  app: FastifyInstance;
  datasets: ReadonlyMap<string, DatasetDefinition>;
  /** Events to write at least (records, dossiers and accesses in their shares). */
  events: number;
  citizens: number;
  /** Access-log (audit) entries to write at least: the accesses' share grows to reach it. */
  logEntries: number;
  seed: number;
  /** Requests per `appendMany`. */
  batch?: number;
  onProgress?: (done: number, total: number, day: number) => void;
}

/** Share of `events` written as records (initial load and nightly changes) and as dossier events. */
const RECORD_SHARE = 0.25;
const DOSSIER_SHARE = 0.1;
/** Record events per citizen in a year: three datasets (judicial records of adults only), nightly changes. */
const RECORDS_PER_CITIZEN = 1 + 1 + 0.83 + DAYS * SOURCES.reduce((s, x) => s + x.nightlyChange, 0);
/** Citizens for `events`: their records are about `RECORD_SHARE` of them. */
export const defaultCitizens = (events: number) =>
  Math.max(10, Math.round((events * RECORD_SHARE) / RECORDS_PER_CITIZEN));
/** Events one birth registration writes on its stream (components included), and accesses it reads. */
const DOSSIER_EVENTS = 11;

/** What each stream category's events are counted as. */
const KINDS: Record<string, 'records' | 'runs' | 'accesses' | 'consents' | 'dossiers'> = {
  record: 'records',
  connector: 'runs',
  access: 'accesses',
  consent: 'consents',
  dossier: 'dossiers',
};

/** The citizens the benchmark follows closely (their lineage answers are checked). */
const SAMPLE_EVERY = 97;

interface Pending {
  at: number;
  stream: string;
  event: EventData;
}

/** Day buckets of events not yet written, in time order once sorted. */
class Schedule {
  private readonly days: Pending[][] = [];
  add(at: number, stream: string, event: EventData): void {
    const day = Math.floor((at - YEAR_START) / DAY_MS);
    const items = this.days[day] ?? [];
    items.push({ at, stream, event });
    this.days[day] = items;
  }
  take(day: number): Pending[] {
    const items = this.days[day] ?? [];
    delete this.days[day];
    // stable: the events of one command keep their order
    return items.sort((a, b) => a.at - b.at);
  }
}

/** Writes the year; returns what was written and the truth to check answers against. */
export async function writeYear(o: WriteOptions): Promise<Written> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const store: EventStore = o.app.store;
  const sealing: RecordSealing = o.app.privacy.sealing;
  const r = seededRandom(o.seed);
  const ids = () => uuid4(r);
  const batchSize = o.batch ?? 5000;

  // contracts as the store holds them (version in force), and the rules their terms carry
  const terms = new Map<string, ContractTerms & { version: number }>();
  for (const { terms: t } of readContractFiles(contractFilesIn(CONTRACTS_DIR)).contracts) {
    const events = await store.readStream(contractStream(t.contractId));
    const version = (events.at(-1)!.data as { version: number }).version;
    terms.set(t.contractId, { ...t, version });
  }
  const contractOf = (id: string) => {
    const c = terms.get(id);
    if (!c) throw new Error(`contract ${id} is not in the store`);
    return c;
  };

  // ---- the citizens ----
  const people = syntheticCitizens(o.citizens, { seed: o.seed * 7919 + 1 });
  const citizens: Citizen[] = people.map((p) => {
    const personalId = p.personalId as string;
    return {
      personalId,
      subject: sealing.pseudonymize('citizen', personalId),
      population: p,
      adult: Number((p.dateOfBirth as string).slice(0, 4)) <= 2007,
      latest: [],
    };
  });
  const subjectKeys = sealing.keys.ensureKeys(citizens.map((c) => c.subject));

  // ---- sizes ----
  const dossierCount = Math.max(1, Math.round((o.events * DOSSIER_SHARE) / DOSSIER_EVENTS));
  const estimatedRecords = Math.round(o.citizens * RECORDS_PER_CITIZEN);
  const accessTarget = Math.max(
    o.logEntries,
    o.events - estimatedRecords - dossierCount * DOSSIER_EVENTS - 6 * DAYS,
    0,
  );
  const total = estimatedRecords + dossierCount * DOSSIER_EVENTS + accessTarget + 6 * DAYS;

  // ---- the truth ----
  const truth: Truth = {
    seed: o.seed,
    citizens: o.citizens,
    personalIds: citizens.map((c) => c.personalId),
    entriesBySubject: new Array<number>(citizens.length).fill(0),
    entriesByAgencyDay: Object.fromEntries(ACCESS_AGENCIES.map((a) => [a, new Array<number>(DAYS).fill(0)])),
    entriesByPurpose: {},
    entriesByOutcome: {},
    sampled: {},
    sampledRecords: {},
    sampledDossiers: {},
    purposes: [],
  };
  const sampled = (ci: number) => ci % SAMPLE_EVERY === 0;

  // ---- writing ----
  const revisions = new Map<string, number>();
  let requests: AppendRequest[] = [];
  const written = { records: 0, runs: 0, accesses: 0, consents: 0, dossiers: 0, other: 0 };
  let auditEntries = 0;
  /** Access events (releases, refusals, deferred disclosures) drawn so far: the year's share is drawn each day. */
  let accessesDrawn = 0;
  let events = 0;
  let day = 0;
  const flush = async () => {
    if (requests.length === 0) return;
    const outcomes = await store.appendMany(requests);
    for (const outcome of outcomes) if (outcome instanceof Error) throw outcome;
    requests = [];
    o.onProgress?.(events, total, day);
  };
  const put = async (stream: string, event: EventData) => {
    const category = stream.slice(0, stream.indexOf('-'));
    if (category === 'access') auditEntries++;
    written[KINDS[category] ?? 'other']++;
    const last = revisions.get(stream);
    requests.push({ stream, events: [event], expectedRevision: last === undefined ? 'no_stream' : last });
    revisions.set(stream, (last ?? -1) + 1);
    events++;
    if (requests.length >= batchSize) await flush();
  };
  /** The revision the next event of `stream` gets. */
  const nextRevision = (stream: string) => (revisions.get(stream) ?? -1) + 1;
  const schedule = new Schedule();
  const iso = (t: number) => new Date(t).toISOString();

  // ---- records ----
  const recordOf = (
    c: Citizen,
    s: number,
    ci: number,
    at: number,
    changed: number,
  ): Record<string, unknown> => {
    const p = c.population;
    const dob = p.dateOfBirth as string;
    if (s === 0) {
      if (changed === 0) return p;
      const residence = p.permanentResidence as Record<string, unknown>;
      return {
        ...p,
        permanentResidence: { ...residence, address: `Số ${1 + ((ci * 31 + changed) % 300)} ngõ ${changed}` },
      };
    }
    const mother = `${(p.fullName as string).split(' ')[0]} Thị ${['Lan', 'Mai', 'Hoa', 'Hương', 'Thảo'][ci % 5]}`;
    if (s === 1) {
      return {
        personalId: c.personalId,
        fullName: p.fullName,
        dateOfBirth: dob,
        placeOfBirth: 'Bệnh viện Phụ sản Hà Nội, thành phố Hà Nội',
        birthRegistrationNumber: `${1 + (ci % 900)}/${dob.slice(0, 4)}`,
        birthRegisteredOn: dob,
        motherName: mother,
        // a marriage registered, or a divorce, is what changes an adult's row
        maritalStatus: c.adult && (ci % 3 === 0) !== (changed % 2 === 1) ? 'married' : 'single',
        deceased: false,
      };
    }
    return {
      personalId: c.personalId,
      fullName: p.fullName,
      dateOfBirth: dob,
      hasCriminalRecord: false,
      convictions: [],
      bannedFromPositions: false,
      updatedOn: localDateOf(at),
    };
  };
  const changes = new Map<string, number>();

  /** One run of a source's connector at `at`: every row (the first run), or the rows changed. */
  const run = async (s: number, at: number, rows: number[]) => {
    const source = SOURCES[s]!;
    const def = o.datasets.get(source.dataset)!;
    const runId = ids();
    const runStream = `connector-${source.connector}`;
    const startedEventId = deterministicId(NS, runId, 'started');
    const runMeta = buildMetadata({
      occurredAt: iso(at),
      actor: { kind: 'connector', id: source.connector },
      correlationId: runId,
    });
    const first = rows.length > 0 && citizens[rows[0]!]!.latest[s] === undefined;
    const cursor = localDateOf(at);
    await put(runStream, {
      id: startedEventId,
      type: 'ConnectorRunStarted',
      data: {
        connector: source.connector,
        version: '1.0.0',
        runId,
        system: source.system,
        streams: [source.table],
        resumedFrom: first
          ? []
          : [{ stream: source.table, mode: 'incremental', cursor: `${cursor} 00:00:00`, pk: 0 }],
      },
      metadata: runMeta,
    });
    let t = at + 1000;
    let lastPk = 0;
    for (const ci of rows) {
      const c = citizens[ci]!;
      const key = `${s}/${ci}`;
      const n = changes.get(key) ?? 0;
      if (c.latest[s] !== undefined) changes.set(key, n + 1);
      const record = recordOf(c, s, ci, at, c.latest[s] === undefined ? 0 : n + 1);
      const valid = def.validate(record);
      if (!valid)
        throw new Error(
          `${source.dataset} record of citizen ${ci} invalid: ${JSON.stringify(def.validate.errors)}`,
        );
      const pk = ci + 1;
      lastPk = pk;
      const fetchedAt = iso(t);
      const b = buildUpsert(def, record, {
        sealing,
        previousVersion: c.latest[s]?.version ?? null,
        metadata: metadataFor(
          {
            connector: source.connector,
            runId,
            startedEventId,
            system: source.system,
            table: source.table,
            primaryKey: 'id',
          },
          { sourceKey: String(pk), position: `ngay_cap_nhat=${cursor} 00:00:00;id=${pk}` },
          fetchedAt,
        ),
        key: subjectKeys.get(c.subject),
      });
      const version: RecordVersion = {
        eventId: b.event.id,
        stream: b.stream,
        revision: nextRevision(b.stream),
        version: b.version,
        runId,
        table: source.table,
        pk,
        at: t,
      };
      c.latest[s] = version;
      if (sampled(ci)) truth.sampledRecords[ci] = { ...truth.sampledRecords[ci], [source.dataset]: version };
      await put(b.stream, b.event);
      t += 2;
    }
    await put(runStream, {
      id: deterministicId(NS, runId, 'completed'),
      type: 'ConnectorRunCompleted',
      data: {
        connector: source.connector,
        runId,
        counts: { read: rows.length, upserted: rows.length, unchanged: 0, deleted: 0, rejected: 0 },
        durationMs: t - at,
        states: [{ stream: source.table, mode: 'incremental', cursor: `${cursor} 00:00:00`, pk: lastPk }],
      },
      metadata: buildMetadata({
        occurredAt: iso(t),
        actor: { kind: 'connector', id: source.connector },
        correlationId: runId,
        causationId: startedEventId,
      }),
    });
  };

  // ---- accesses ----
  const count = (ci: number, agency: string, purpose: string, outcome: string, at: number) => {
    truth.entriesBySubject[ci]!++;
    const d = Math.floor((at - YEAR_START) / DAY_MS);
    truth.entriesByAgencyDay[agency]![d]!++;
    truth.entriesByPurpose[purpose] = (truth.entriesByPurpose[purpose] ?? 0) + 1;
    truth.entriesByOutcome[outcome] = (truth.entriesByOutcome[outcome] ?? 0) + 1;
  };
  const caller = (agency: string, official: string, at: number) => ({
    agency,
    official,
    role: 'consumer',
    // one token a day per official
    tokenId: deterministicId(NS, 'token', agency, official, Math.floor(at / DAY_MS)),
  });
  const officialOf = (f: { agency: string; officials: number }) =>
    `cb-${f.agency.slice(4, 6)}${f.agency.slice(-3).toLowerCase()}-${String(r.int(1, f.officials)).padStart(2, '0')}`;

  /** A release of `fields` of the citizen's record of `dataset` at `at`, as the release service records it. */
  const release = (
    ci: number,
    agency: string,
    official: string,
    contractId: string,
    dataset: Source['dataset'],
    fields: string[],
    purpose: string,
    at: number,
    dossier: string | null,
    consentId: string | null,
  ) => {
    const c = citizens[ci]!;
    const s = SOURCES.findIndex((x) => x.dataset === dataset);
    const row = c.latest[s]!;
    const contract = contractOf(contractId);
    const requestId = ids();
    const accessId = ids();
    const event: DataAccessed = {
      id: accessId,
      type: 'DataAccessed',
      data: {
        caller: caller(agency, official, at),
        subject: c.subject,
        dataset,
        fields,
        purpose,
        dossier,
        requestId,
        contract: { id: contractId, version: contract.version },
        consentId,
        sources: fields.map((field) => ({
          field,
          eventId: row.eventId,
          stream: row.stream,
          revision: row.revision,
        })),
      },
      metadata: buildMetadata({
        occurredAt: iso(at),
        actor: { kind: 'agency', id: agency, official },
        correlationId: requestId,
      }),
    };
    const stream = accessStream(c.subject);
    schedule.add(at, stream, event);
    accessesDrawn++;
    count(ci, agency, purpose, 'RELEASED', at);
    if (sampled(ci)) {
      const mine = truth.sampled[ci] ?? {};
      for (const field of fields) mine[`${dataset}/${field}`] = { accessId, dataset, record: row };
      truth.sampled[ci] = mine;
    }
    const rule = contract.citizenDisclosure;
    if (rule) {
      const deferred: DisclosureDeferred = {
        id: deterministicId(NS, 'disclosure-deferred', accessId),
        type: 'DisclosureDeferred',
        data: {
          subject: c.subject,
          accessIds: [accessId],
          scope: null,
          basis: rule.basis,
          until: addLocalDays(localDateOf(at), rule.deferDays),
          decidedBy: { contract: { id: contractId, version: contract.version } },
        },
        metadata: { ...event.metadata, causationId: accessId },
      };
      schedule.add(at, stream, deferred);
      accessesDrawn++;
    }
    return accessId;
  };

  const refuse = (ci: number, at: number) => {
    const x = REFUSALS[r.weighted(REFUSALS.map((f) => f.weight))]!;
    const c = citizens[ci]!;
    const contract = x.contract ? contractOf(x.contract) : null;
    const official = officialOf({ agency: x.agency, officials: 6 });
    const requestId = ids();
    const event: DataAccessDenied = {
      id: ids(),
      type: 'DataAccessDenied',
      data: {
        caller: caller(x.agency, official, at),
        subject: c.subject,
        dataset: x.dataset,
        fields: x.fields,
        purpose: x.purpose,
        dossier: null,
        requestId,
        reason: x.reason,
        contract: contract && { id: contract.contractId, version: contract.version },
        consentId: null,
      },
      metadata: buildMetadata({
        occurredAt: iso(at),
        actor: { kind: 'agency', id: x.agency, official },
        correlationId: requestId,
      }),
    };
    schedule.add(at, accessStream(c.subject), event);
    accessesDrawn++;
    count(ci, x.agency, x.purpose, 'DENIED', at);
  };

  /** A consent granted through the portal, as `consentDecider` records it. */
  const consent = (
    ci: number,
    consumer: string,
    purposes: string[],
    scope: { dataset: string; fields: string[] }[],
    dossier: string | null,
    at: number,
    days: number,
  ) => {
    const c = citizens[ci]!;
    const consentId = ids();
    const official = `cb-dvc-${String(r.int(1, 4)).padStart(2, '0')}`;
    const meta: CommandMeta = {
      now: iso(at),
      eventId: ids(),
      metadata: buildMetadata({
        occurredAt: iso(at),
        actor: { kind: 'agency', id: PORTAL, official },
        correlationId: ids(),
      }),
    };
    const [granted] = decideAll(consentDecider, [
      {
        type: 'GrantConsent',
        data: {
          consentId,
          subject: c.subject,
          consumer,
          purposes,
          scope,
          dossier,
          validFrom: iso(at),
          validUntil: iso(at + days * DAY_MS),
          collectedBy: { agency: PORTAL, official },
          receiptId: ids(),
        },
        meta,
      },
    ]);
    schedule.add(at, consentStream(consentId), granted!);
    return { id: consentId, until: at + days * DAY_MS };
  };

  const drawFields = (f: Flow) => {
    const fields = f.fields.filter(() => r.next() < 0.6);
    for (const field of f.fields) if (fields.length < f.min && !fields.includes(field)) fields.push(field);
    return f.fields.filter((x) => fields.includes(x));
  };
  /** A citizen, some asked about far more often than others. */
  const someone = () => Math.min(citizens.length - 1, Math.floor(citizens.length * r.next() ** 1.5));
  /** An instant of office hours on `day` (07:30–17:30 Vietnam). */
  const officeHours = (d: number) => YEAR_START + d * DAY_MS + (7.5 + r.next() * 10) * HOUR;

  /** One citizen asked about by an agency: a release (three for the judicial-record certificate) or a refusal. */
  const accessAction = (d: number) => {
    const ci = someone();
    const c = citizens[ci]!;
    const at = officeHours(d);
    const kind = r.weighted([FLOWS.reduce((s, f) => s + f.weight, 0), JUDICIAL_WEIGHT, REFUSAL_WEIGHT]);
    if (kind === 2) return refuse(ci, at);
    if (kind === 1 && c.adult && c.latest[2]) {
      const official = officialOf(JUDICIAL[0]!);
      if (!c.judicialConsent || c.judicialConsent.until <= at + HOUR) {
        const [, , j] = JUDICIAL;
        c.judicialConsent = consent(
          ci,
          HANOI,
          ['tthc-2.000488'],
          [{ dataset: 'judicial-records', fields: [...j!.fields] }],
          null,
          at - 10 * 60_000,
          90,
        );
      }
      JUDICIAL.forEach((f, i) => {
        release(
          ci,
          f.agency,
          official,
          f.contract,
          f.dataset,
          drawFields(f),
          f.purposes[0]!,
          at + i * 200,
          null,
          i === 2 ? c.judicialConsent!.id : null,
        );
      });
      return;
    }
    const f = FLOWS[r.weighted(FLOWS.map((x) => x.weight))]!;
    release(
      ci,
      f.agency,
      officialOf(f),
      f.contract,
      f.dataset,
      drawFields(f),
      r.pick(f.purposes),
      at,
      null,
      null,
    );
  };

  // ---- dossiers ----
  const sequences = new Map<string, number>();
  const dossierOf = (d: number) => {
    const ci = someone();
    const c = citizens[ci]!;
    const flow = BIRTH_FLOWS[r.next() < 0.7 ? 0 : 1]!;
    let t = officeHours(d);
    const day = localDateOf(t);
    const n = (sequences.get(`${flow.agency}/${day}`) ?? 0) + 1;
    sequences.set(`${flow.agency}/${day}`, n);
    const dossierId = formatDossierId(flow.agency, day, n);
    const stream = dossierStream(dossierId);
    const desk = `cb-motcua-${String(r.int(1, 6)).padStart(2, '0')}`;
    const key = subjectKeys.get(c.subject)!;
    const commands: DossierCommand[] = [];
    const command = (
      type: DossierCommand['type'],
      data: Record<string, unknown>,
      at: number,
      actor = flow.agency,
    ) => {
      commands.push({
        type,
        data,
        meta: {
          now: iso(at),
          eventId: ids(),
          metadata: buildMetadata({
            occurredAt: iso(at),
            actor: { kind: 'agency', id: actor, official: desk },
            correlationId: dossierId,
          }),
        },
      } as DossierCommand);
    };
    const submitter = flow.channel === 'online' ? PORTAL : flow.agency;
    command(
      'SubmitDossier',
      {
        dossierId,
        channel: flow.channel,
        procedure: { code: BIRTH, version: '1' },
        agency: flow.agency,
        applicant: c.subject,
        declaration: {
          sealed: seal(key, c.subject, declarationContext(dossierId), {
            mother: { personalId: c.personalId },
          }),
          fields: { prefilled: 0, typed: 1 },
        },
        parent: null,
        components: [],
      },
      t,
      submitter,
    );
    // the prefill: consent first where the contract needs it, then the mother's population record
    t += 60_000;
    const consentId = flow.consent
      ? consent(
          ci,
          flow.agency,
          [`tthc-${BIRTH}`],
          [{ dataset: 'population', fields: MOTHER_FIELDS }],
          dossierId,
          t - 30_000,
          30,
        ).id
      : null;
    const record = c.latest[0]!;
    const accessId = release(
      ci,
      flow.agency,
      desk,
      flow.contract,
      'population',
      [...MOTHER_FIELDS],
      `tthc-${BIRTH}`,
      t,
      dossierId,
      consentId,
    );
    const held = { kind: 'record-event' as const, eventId: record.eventId };
    command(
      'RecordPrefill',
      {
        dossierId,
        sealed: seal(key, c.subject, prefillContext(dossierId), { mother: { fullName: '…' } }),
        fields: MOTHER_FIELDS.map((f) => `mother.${f}`),
        held: [{ component: 'nhan-than-me', source: held }],
        accesses: [accessId],
      },
      t + 200,
      submitter,
    );
    t += 8 * 60_000;
    const askedAgain = r.next() < 0.1;
    const resolution = askedAgain
      ? { kind: 'asked-again', documentId: ids(), heldAs: held }
      : { kind: 'reused', source: held };
    command(
      'CompleteDeclaration',
      {
        dossierId,
        declaration: {
          sealed: seal(key, c.subject, declarationContext(dossierId), { mother: {}, child: {} }),
          fields: { prefilled: 4, typed: 9 },
        },
        components: [
          { component: 'nhan-than-me', resolution },
          { component: 'giay-chung-sinh', resolution: { kind: 'uploaded', documentId: ids() } },
        ],
      },
      t,
      submitter,
    );
    if (sampled(ci)) {
      truth.sampledDossiers[dossierId] = {
        component: 'nhan-than-me',
        resolution: resolution.kind,
        recordEventId: record.eventId,
      };
    }
    t += r.int(1, 4) * HOUR;
    command('ReceiveDossier', { dossierId, official: desk, appointmentAt: iso(t + 3 * DAY_MS) }, t);
    t += r.int(1, 3) * HOUR;
    command('AssignDossier', { dossierId, official: 'cb-tuphap-01', department: 'Tư pháp - Hộ tịch' }, t);
    t += r.int(4, 30) * HOUR;
    command('CompleteStep', { dossierId, step: 'thẩm định', official: 'cb-tuphap-01' }, t);
    t += r.int(2, 20) * HOUR;
    command('ApproveDossier', { dossierId, official: 'ld-01' }, t);
    t += HOUR;
    command('IssueResult', { dossierId, electronic: null, paper: true }, t);
    t += r.int(1, 72) * HOUR;
    command('ReturnResult', { dossierId, channel: flow.channel === 'online' ? 'online' : 'desk' }, t);
    const decided = decideAll(dossierDecider, commands);
    for (const e of decided) schedule.add(Date.parse(e.metadata.occurredAt), stream, e);
  };

  // ---- the year, day by day ----
  const weights = Array.from({ length: DAYS }, (_, d) => {
    const weekday = new Date(YEAR_START + d * DAY_MS + VIETNAM_OFFSET_MS).getUTCDay();
    return weekday === 0 ? 0.15 : weekday === 6 ? 0.5 : 1;
  });
  const weightSum = weights.reduce((s, w) => s + w, 0);
  let dossiersDone = 0;
  let weightSoFar = 0;
  for (day = 0; day < DAYS; day++) {
    // the night's runs
    const night = YEAR_START + day * DAY_MS + HOUR;
    for (let s = 0; s < SOURCES.length; s++) {
      const at = night + s * 20 * 60_000;
      if (day === 0) {
        const rows = citizens.flatMap((c, ci) => (s === 2 && !c.adult ? [] : [ci]));
        await run(s, at, rows);
        continue;
      }
      const rows: number[] = [];
      const expected = citizens.length * SOURCES[s]!.nightlyChange;
      const changed = Math.floor(expected) + (r.next() < expected % 1 ? 1 : 0);
      for (let k = 0; k < changed; k++) {
        const ci = r.int(0, citizens.length - 1);
        const c = citizens[ci]!;
        if (c.latest[s] && (s === 0 || c.adult) && !rows.includes(ci)) rows.push(ci);
      }
      rows.sort((a, b) => a - b);
      await run(s, at, rows);
    }
    // the day's dossiers and accesses, up to the year's share so far
    weightSoFar += weights[day]!;
    const share = weightSoFar / weightSum;
    while (dossiersDone < Math.round(dossierCount * share)) {
      dossierOf(day);
      dossiersDone++;
    }
    while (accessesDrawn < Math.round(accessTarget * share)) accessAction(day);
    for (const p of schedule.take(day)) await put(p.stream, p.event);
    await flush();
  }
  // what is still scheduled after the year's end (dossiers in work) is not written, as in bench:indicators
  truth.purposes = Object.keys(truth.entriesByPurpose).sort();
  const cpu = process.cpuUsage(cpuStart);
  return {
    events,
    byKind: written,
    auditEntries,
    dossiers: dossierCount,
    citizens: citizens.length,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    truth,
  };
}
