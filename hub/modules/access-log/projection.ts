import type { RecordedEvent } from '../../kernel/event-store.js';
import { startOfLocalDate } from '../../kernel/local-date.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type {
  AccessRateLimitedData,
  DataAccessDeniedData,
  DataAccessedByOperatorData,
  DataAccessedData,
  DisclosureDeferredData,
} from '../access/index.js';
import { ACCESS_STREAM_CATEGORY, RATE_LIMITED_STREAM_CATEGORY } from '../access/index.js';
import type { DocumentAccessedData } from '../documents/index.js';
import { INSPECTION_STREAM_CATEGORY, type InspectionPerformedData } from './events.js';

/** What an entry of the access log is, one per event. */
export const OUTCOMES = ['RELEASED', 'DENIED', 'OPERATOR', 'DOCUMENT', 'RATE_LIMITED', 'INSPECTION'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * The columns an equality filter can name, each with an index `(column, at_ms, seq)` so that a
 * filtered page newest first is one index range walk.
 */
export const FILTER_COLUMNS = ['subject', 'agency', 'official', 'purpose', 'dataset', 'outcome'] as const;
export type FilterColumn = (typeof FILTER_COLUMNS)[number];

/** One row of `access_log`. */
export interface EntryRow {
  seq: number;
  id: string;
  at_ms: number;
  at: string;
  outcome: Outcome;
  subject: string | null;
  agency: string;
  official: string | null;
  purpose: string | null;
  dataset: string | null;
  fields: string;
  dossier: string | null;
  reason: string | null;
  contract_id: string | null;
  contract_version: number | null;
  consent_id: string | null;
  count: number;
}

type Entry = Omit<EntryRow, 'seq' | 'id' | 'at_ms' | 'at' | 'fields'> & { fields: readonly string[] };

const EVENT_TYPES = [
  'DataAccessed',
  'DataAccessDenied',
  'DataAccessedByOperator',
  'DocumentAccessed',
  'AccessRateLimited',
  'InspectionPerformed',
  'DisclosureDeferred',
] as const;

/** The one value a gathered list names, or null when it names several (or counted others). */
const single = (g: { listed: string[]; others: number }) =>
  g.listed.length === 1 && g.others === 0 ? g.listed[0]! : null;

const none = { dossier: null, reason: null, contract_id: null, contract_version: null, consent_id: null };

/** What every access names: its caller, citizen, dataset, fields and purpose (no contract, no refusal). */
function asked(
  outcome: Outcome,
  d: Pick<DataAccessedByOperatorData, 'caller' | 'subject' | 'dataset' | 'fields' | 'purpose'> & {
    dossier?: string | null;
  },
): Entry {
  return {
    ...none,
    outcome,
    subject: d.subject,
    agency: d.caller.agency,
    official: d.caller.official,
    purpose: d.purpose,
    dataset: d.dataset,
    fields: d.fields,
    dossier: d.dossier ?? null,
    count: 1,
  };
}

/** The entry an access event stands for, or undefined for an event that is not one. */
function entryOf(event: RecordedEvent): Entry | undefined {
  switch (event.type) {
    case 'DataAccessed':
    case 'DataAccessDenied': {
      const d = event.data as DataAccessedData & Partial<DataAccessDeniedData>;
      return {
        ...asked(event.type === 'DataAccessed' ? 'RELEASED' : 'DENIED', d),
        reason: d.reason ?? null,
        contract_id: d.contract?.id ?? null,
        contract_version: d.contract?.version ?? null,
        consent_id: d.consentId ?? null,
        count: d.repeated?.count ?? 1,
      };
    }
    case 'DataAccessedByOperator':
      return asked('OPERATOR', event.data as DataAccessedByOperatorData);
    case 'DocumentAccessed':
      return asked('DOCUMENT', event.data as DocumentAccessedData);
    case 'AccessRateLimited': {
      const d = event.data as AccessRateLimitedData;
      return {
        ...none,
        outcome: 'RATE_LIMITED',
        subject: single(d.subjects),
        agency: d.agency,
        official: single(d.officials),
        purpose: single(d.purposes),
        dataset: null,
        fields: [],
        reason: 'RATE_LIMITED',
        count: d.count,
      };
    }
    case 'InspectionPerformed': {
      const d = event.data as InspectionPerformedData;
      return {
        ...none,
        outcome: 'INSPECTION',
        subject: d.subject,
        agency: d.caller.agency,
        official: d.caller.official,
        purpose: INSPECTION_PURPOSE,
        dataset: d.kind,
        fields: [],
        count: 1,
      };
    }
    default:
      return undefined;
  }
}

/** The purpose an inspector's read is logged under (its `dataset` is what was read: `access-log`, `lineage` …). */
export const INSPECTION_PURPOSE = 'inspection';

/**
 * Read model `access-log`: one row per access event of the log — releases, refusals (a repeated
 * refusal once, with its count), operators' reads, document downloads, an agency's gathered
 * RATE_LIMITED refusals and inspectors' reads — keyed by global position (`seq`), ordered by
 * `(at_ms, seq)` (the time the access happened, ties by position). Each filter column has an index
 * ending in that order, and `access_log_counts` counts entries per value of each column, which
 * picks the most selective index and answers the total of a one-column filter at once.
 * `access_deferrals` holds the deferred disclosures (one row per access id, or one per scope).
 */
export const accessLogProjection: ProjectionDefinition = {
  name: 'access-log',
  version: 1,
  description: 'Every access to citizens’ data, indexed for inspectors’ searches; deferred disclosures',
  filter: {
    streamPrefixes: [
      `${ACCESS_STREAM_CATEGORY}-`,
      `${RATE_LIMITED_STREAM_CATEGORY}-`,
      `${INSPECTION_STREAM_CATEGORY}-`,
    ],
    eventTypes: EVENT_TYPES,
  },
  open(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS access_log (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        subject TEXT,
        agency TEXT NOT NULL,
        official TEXT,
        purpose TEXT,
        dataset TEXT,
        fields TEXT NOT NULL,
        dossier TEXT,
        reason TEXT,
        contract_id TEXT,
        contract_version INTEGER,
        consent_id TEXT,
        count INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX IF NOT EXISTS access_log_id ON access_log (id);
      CREATE INDEX IF NOT EXISTS access_log_time ON access_log (at_ms);
      ${FILTER_COLUMNS.map((c) => `CREATE INDEX IF NOT EXISTS access_log_${c} ON access_log (${c}, at_ms);`).join('\n')}
      CREATE TABLE IF NOT EXISTS access_log_counts (
        dim TEXT NOT NULL,
        value TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (dim, value)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS access_deferrals (
        event_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        access_id TEXT,
        agency TEXT,
        purpose TEXT,
        basis TEXT NOT NULL,
        until TEXT NOT NULL,
        until_ms INTEGER NOT NULL,
        decided_by TEXT NOT NULL,
        at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS access_deferrals_subject ON access_deferrals (subject, until_ms);
      CREATE INDEX IF NOT EXISTS access_deferrals_access ON access_deferrals (access_id) WHERE access_id IS NOT NULL;
    `);
    const insert = db.prepare(`
      INSERT OR IGNORE INTO access_log (seq, id, at_ms, at, outcome, subject, agency, official, purpose, dataset,
        fields, dossier, reason, contract_id, contract_version, consent_id, count)
      VALUES (@seq, @id, @at_ms, @at, @outcome, @subject, @agency, @official, @purpose, @dataset,
        @fields, @dossier, @reason, @contract_id, @contract_version, @consent_id, @count)
    `);
    const addCount = db.prepare(`
      INSERT INTO access_log_counts (dim, value, n) VALUES (?, ?, ?)
      ON CONFLICT (dim, value) DO UPDATE SET n = n + excluded.n
    `);
    const defer = db.prepare(`
      INSERT INTO access_deferrals (event_id, subject, access_id, agency, purpose, basis, until, until_ms, decided_by, at)
      VALUES (@eventId, @subject, @accessId, @agency, @purpose, @basis, @until, @untilMs, @decidedBy, @at)
    `);
    /** Counts added since the batch began, by dimension then value ('' and '' for every entry). */
    let pending = new Map<string, number>();
    const count = (dim: string, value: string | null) => {
      if (value === null) return;
      const key = `${dim}\u0000${value}`;
      pending.set(key, (pending.get(key) ?? 0) + 1);
    };
    return {
      apply(event: RecordedEvent) {
        if (event.type === 'DisclosureDeferred') {
          const d = event.data as DisclosureDeferredData;
          const row = {
            eventId: event.id,
            subject: d.subject,
            basis: d.basis,
            until: d.until,
            untilMs: startOfLocalDate(d.until),
            decidedBy: JSON.stringify(d.decidedBy),
            at: event.metadata.occurredAt,
          };
          if (d.scope)
            defer.run({ ...row, accessId: null, agency: d.scope.agency, purpose: d.scope.purpose });
          for (const accessId of d.accessIds ?? [])
            defer.run({ ...row, accessId, agency: null, purpose: null });
          return;
        }
        const entry = entryOf(event);
        if (!entry) return;
        const at = event.metadata.occurredAt;
        const written = insert.run({
          ...entry,
          seq: event.position,
          id: event.id,
          at_ms: Date.parse(at),
          at,
          fields: JSON.stringify(entry.fields),
        });
        if (written.changes === 0) return;
        count('', '');
        for (const c of FILTER_COLUMNS) count(c, entry[c]);
      },
      endBatch() {
        for (const [key, n] of pending) {
          const cut = key.indexOf('\u0000');
          addCount.run(key.slice(0, cut), key.slice(cut + 1), n);
        }
        pending = new Map();
      },
      reset() {
        pending = new Map();
        db.exec('DELETE FROM access_log; DELETE FROM access_log_counts; DELETE FROM access_deferrals;');
      },
    };
  },
};
