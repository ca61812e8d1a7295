import type { ReadModelDb, SqlStatement } from '../../kernel/read-model.js';
import type { FactValue } from './expression.js';
import { type DossierRecord, FACTS, flipAt, type ProcedureFacts, staticFacts } from './facts.js';

/** `finished_at` of a dossier still running: after every instant, so ranges over it need no NULL. */
export const OPEN = 8_640_000_000_000_000;

/** The read model's columns for the facts, in catalogue order (the period-judged `overdue` has none). */
export const FACT_COLUMNS = Object.entries(FACTS)
  .filter(([, spec]) => spec.column !== undefined)
  .map(([name, spec]) => ({ name, column: spec.column! }));

const TABLES = `
CREATE TABLE IF NOT EXISTS si_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS si_agencies (agency_key INTEGER PRIMARY KEY, organ_code TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS si_dossiers (
  dossier_key INTEGER PRIMARY KEY,
  dossier_id  TEXT    NOT NULL UNIQUE,
  agency_key  INTEGER NOT NULL,
  entered_at  INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  flip_at     INTEGER,
  ${FACT_COLUMNS.map((c) => `${c.column} ${c.name === 'rating' ? 'REAL' : c.name === 'channel' || c.name === 'outcome' || c.name === 'serviceLevel' ? 'TEXT' : 'INTEGER'} NOT NULL`).join(',\n  ')},
  record      TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS si_counts (
  period_key  INTEGER NOT NULL,
  agency_key  INTEGER NOT NULL,
  measure_key INTEGER NOT NULL,
  value       NUMERIC NOT NULL,
  PRIMARY KEY (period_key, agency_key, measure_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS si_procedures (
  code TEXT NOT NULL, version TEXT NOT NULL, facts TEXT NOT NULL, PRIMARY KEY (code, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS si_pending_digitised (
  dossier_id TEXT NOT NULL, component TEXT NOT NULL, PRIMARY KEY (dossier_id, component)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS si_reports (
  agency     TEXT    NOT NULL,
  period_key INTEGER NOT NULL,
  source     TEXT    NOT NULL,
  event_id   TEXT    NOT NULL,
  imported_at TEXT   NOT NULL,
  figures    TEXT    NOT NULL,
  points     TEXT    NOT NULL,
  PRIMARY KEY (agency, period_key, source)
) WITHOUT ROWID;`;

/** The drill-down's and the horizon's indexes over `si_dossiers` (a rebuild writes the rows first, then builds them). */
const INDEXES: [name: string, on: string][] = [
  ['si_dossiers_entered', '(entered_at, dossier_key)'],
  ['si_dossiers_finished', '(finished_at, dossier_key)'],
  ['si_dossiers_agency_entered', '(agency_key, entered_at, dossier_key)'],
  ['si_dossiers_agency_finished', '(agency_key, finished_at, dossier_key)'],
  ['si_dossiers_flip', '(flip_at) WHERE flip_at IS NOT NULL'],
];
export const CREATE_INDEXES = INDEXES.map(
  ([name, on]) => `CREATE INDEX IF NOT EXISTS ${name} ON si_dossiers ${on};`,
).join('\n');
export const DROP_INDEXES = INDEXES.map(([name]) => `DROP INDEX IF EXISTS ${name};`).join('\n');

export const SCHEMA = `${TABLES}\n${CREATE_INDEXES}`;

export const RESET = `DELETE FROM si_meta; DELETE FROM si_agencies; DELETE FROM si_dossiers; DELETE FROM si_counts;
DELETE FROM si_procedures; DELETE FROM si_pending_digitised; DELETE FROM si_reports;`;

export interface DossierRow {
  dossier_key: number;
  record: string;
}

/** The row values of a record (its facts in their columns, and the record itself). */
export function rowValues(r: DossierRecord, agencyKey: number): unknown[] {
  const facts = staticFacts(r);
  const value = (v: FactValue) => (typeof v === 'boolean' ? Number(v) : v);
  return [
    r.id,
    agencyKey,
    r.enteredAt,
    r.finishedAt ?? OPEN,
    flipAt(r),
    ...FACT_COLUMNS.map((c) => value(facts[c.name] ?? null)),
    JSON.stringify(r),
  ];
}

/** The prepared statements of the model, made once per connection. */
export function statements(db: ReadModelDb) {
  const columns = [
    'dossier_id',
    'agency_key',
    'entered_at',
    'finished_at',
    'flip_at',
    ...FACT_COLUMNS.map((c) => c.column),
    'record',
  ];
  return {
    meta: db.prepare<[string], number>('SELECT value FROM si_meta WHERE name = ?').pluck(),
    setMeta: db.prepare<[string, number]>(
      'INSERT INTO si_meta VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    ),
    agencyKey: db
      .prepare<[string], number>('SELECT agency_key FROM si_agencies WHERE organ_code = ?')
      .pluck(),
    addAgency: db.prepare<[string]>('INSERT INTO si_agencies (organ_code) VALUES (?)'),
    putCount: db.prepare<[number, number, number, number]>('INSERT INTO si_counts VALUES (?, ?, ?, ?)'),
    dossier: db.prepare<[string], DossierRow>(
      'SELECT dossier_key, record FROM si_dossiers WHERE dossier_id = ?',
    ),
    insertDossier: db.prepare(
      `INSERT INTO si_dossiers (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    ) as SqlStatement,
    updateDossier: db.prepare(
      `UPDATE si_dossiers SET ${columns
        .slice(1)
        .map((c) => `${c} = ?`)
        .join(', ')} WHERE dossier_key = ?`,
    ) as SqlStatement,
    flipping: db
      .prepare<[number, number], string>(
        'SELECT dossier_id FROM si_dossiers WHERE flip_at >= ? AND flip_at < ? ORDER BY dossier_key',
      )
      .pluck(),
    open: db
      .prepare<[number], string>(
        'SELECT dossier_id FROM si_dossiers WHERE finished_at = ? ORDER BY dossier_key',
      )
      .pluck(),
    addCount: db.prepare<[number, number, number, number]>(
      `INSERT INTO si_counts VALUES (?, ?, ?, ?)
       ON CONFLICT (period_key, agency_key, measure_key) DO UPDATE SET value = value + excluded.value`,
    ),
    dropZero: db.prepare<[number, number, number]>(
      'DELETE FROM si_counts WHERE period_key = ? AND agency_key = ? AND measure_key = ? AND value = 0',
    ),
    procedure: db
      .prepare<[string, string], string>(
        `SELECT facts FROM si_procedures WHERE code = ?
       ORDER BY version = ? DESC, CAST(version AS INTEGER) DESC LIMIT 1`,
      )
      .pluck(),
    putProcedure: db.prepare<[string, string, string]>(
      'INSERT INTO si_procedures VALUES (?, ?, ?) ON CONFLICT (code, version) DO UPDATE SET facts = excluded.facts',
    ),
    pending: db
      .prepare<[string], string>('SELECT component FROM si_pending_digitised WHERE dossier_id = ?')
      .pluck(),
    addPending: db.prepare<[string, string]>('INSERT OR IGNORE INTO si_pending_digitised VALUES (?, ?)'),
    dropPending: db.prepare<[string]>('DELETE FROM si_pending_digitised WHERE dossier_id = ?'),
    putReport: db.prepare<[string, number, string, string, string, string, string]>(
      `INSERT INTO si_reports VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agency, period_key, source) DO UPDATE SET
       event_id = excluded.event_id, imported_at = excluded.imported_at, figures = excluded.figures, points = excluded.points`,
    ),
  };
}

export type Statements = ReturnType<typeof statements>;

/** The latest instant the counters are judged at (epoch ms; 0 before any dossier). */
export const horizonOf = (db: ReadModelDb): number =>
  db.prepare<[], number>("SELECT value FROM si_meta WHERE name = 'horizon'").pluck().get() ?? 0;

export const parseProcedureFacts = (json: string | undefined): ProcedureFacts | undefined =>
  json === undefined ? undefined : (JSON.parse(json) as ProcedureFacts);
