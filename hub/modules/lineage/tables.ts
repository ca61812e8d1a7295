import type { ReadModelDb, SqlStatement } from '../../kernel/read-model.js';

/**
 * The tables of the `lineage` read model. Rows reached by a walk are found by primary key or by one
 * index range each; the big tables (releases, record events) are rowid tables keyed by the event's
 * global position, so the projection appends to them in order and the random ids sit in small
 * unique indexes.
 */
export const TABLES = {
  // a release (DataAccessed), a showing to an operator (DataAccessedByOperator) or a document sent
  // (DocumentAccessed), clustered by citizen and dataset so that a field's releases are one range;
  // `fields`: ",a,b,", `sources`: the record events its values came from (or the document sent),
  // their ids joined by spaces
  lineage_accesses: `
    CREATE TABLE IF NOT EXISTS lineage_accesses (
      subject   TEXT    NOT NULL,
      dataset   TEXT    NOT NULL,
      position  INTEGER NOT NULL,
      access_id TEXT    NOT NULL,
      kind      TEXT    NOT NULL,
      fields    TEXT    NOT NULL,
      agency    TEXT    NOT NULL,
      official  TEXT    NOT NULL,
      role      TEXT    NOT NULL,
      purpose   TEXT    NOT NULL,
      dossier   TEXT,
      contract_id      TEXT,
      contract_version INTEGER,
      consent_id       TEXT,
      sources   TEXT    NOT NULL,
      detail    TEXT,
      at        TEXT    NOT NULL,
      PRIMARY KEY (subject, dataset, position)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX IF NOT EXISTS lineage_accesses_by_id ON lineage_accesses (access_id);
    CREATE INDEX IF NOT EXISTS lineage_accesses_by_dossier ON lineage_accesses (dossier, position, access_id)
      WHERE dossier IS NOT NULL;`,
  // every record event (each version of a record), with its provenance
  lineage_records: `
    CREATE TABLE IF NOT EXISTS lineage_records (
      position        INTEGER PRIMARY KEY,
      event_id        TEXT    NOT NULL UNIQUE,
      deleted         INTEGER NOT NULL,
      dataset         TEXT    NOT NULL,
      record_key      TEXT    NOT NULL,
      subject         TEXT,
      revision        INTEGER NOT NULL,
      run_id          TEXT,
      tbl             TEXT,
      pk              TEXT,
      source_position TEXT,
      fetched_at      TEXT,
      at              TEXT    NOT NULL
    );
    CREATE INDEX IF NOT EXISTS lineage_records_by_subject ON lineage_records (subject, dataset, position)
      WHERE subject IS NOT NULL;
    CREATE INDEX IF NOT EXISTS lineage_records_by_source ON lineage_records (tbl, pk) WHERE pk IS NOT NULL;`,
  // connector runs; a run named by provenance only (no run events, e.g. the demo seed) is `unrecorded`
  lineage_runs: `
    CREATE TABLE IF NOT EXISTS lineage_runs (
      run_id      TEXT    PRIMARY KEY,
      connector   TEXT    NOT NULL,
      version     TEXT,
      system      TEXT,
      tables      TEXT,
      outcome     TEXT    NOT NULL,
      started_at  TEXT,
      ended_at    TEXT,
      duration_ms INTEGER,
      counts      TEXT,
      error_code  TEXT
    ) WITHOUT ROWID;`,
  lineage_consents: `
    CREATE TABLE IF NOT EXISTS lineage_consents (
      consent_id         TEXT PRIMARY KEY,
      subject            TEXT NOT NULL,
      consumer           TEXT NOT NULL,
      purposes           TEXT NOT NULL,
      scope              TEXT NOT NULL,
      dossier            TEXT,
      valid_from         TEXT NOT NULL,
      valid_until        TEXT NOT NULL,
      collected_agency   TEXT NOT NULL,
      collected_official TEXT NOT NULL,
      receipt_id         TEXT NOT NULL,
      granted_at         TEXT NOT NULL,
      status             TEXT NOT NULL,
      ended_at           TEXT
    ) WITHOUT ROWID;`,
  lineage_contracts: `
    CREATE TABLE IF NOT EXISTS lineage_contracts (
      contract_id      TEXT    NOT NULL,
      version          INTEGER NOT NULL,
      provider         TEXT    NOT NULL,
      consumer         TEXT    NOT NULL,
      dataset          TEXT    NOT NULL,
      fields           TEXT    NOT NULL,
      purposes         TEXT    NOT NULL,
      legal_basis      TEXT    NOT NULL,
      consent_required INTEGER NOT NULL,
      valid_from       TEXT    NOT NULL,
      valid_until      TEXT,
      at               TEXT    NOT NULL,
      revoked_on       TEXT,
      PRIMARY KEY (contract_id, version)
    ) WITHOUT ROWID;`,
  lineage_dossiers: `
    CREATE TABLE IF NOT EXISTS lineage_dossiers (
      dossier_id        TEXT    PRIMARY KEY,
      procedure         TEXT    NOT NULL,
      procedure_version TEXT    NOT NULL,
      agency            TEXT    NOT NULL,
      channel           TEXT    NOT NULL,
      applicant         TEXT    NOT NULL,
      parent            TEXT,
      submitted_at      TEXT    NOT NULL,
      last_event        TEXT    NOT NULL,
      updated_at        TEXT    NOT NULL,
      prefilled         INTEGER NOT NULL,
      typed             INTEGER NOT NULL,
      result_document   TEXT
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS lineage_dossiers_by_parent ON lineage_dossiers (parent) WHERE parent IS NOT NULL;`,
  // how each component was satisfied: 'held' (a prefill found it, not yet completed), 'reused',
  // 'uploaded', 'asked-again'; the source is what the state held (a record event or a document)
  lineage_components: `
    CREATE TABLE IF NOT EXISTS lineage_components (
      dossier_id   TEXT NOT NULL,
      component    TEXT NOT NULL,
      resolution   TEXT NOT NULL,
      source_kind  TEXT,
      source_id    TEXT,
      source_event TEXT,
      document_id  TEXT,
      at           TEXT NOT NULL,
      PRIMARY KEY (dossier_id, component)
    ) WITHOUT ROWID;`,
  lineage_documents: `
    CREATE TABLE IF NOT EXISTS lineage_documents (
      document_id  TEXT    PRIMARY KEY,
      origin       TEXT    NOT NULL,
      subject      TEXT    NOT NULL,
      dossier      TEXT    NOT NULL,
      component    TEXT,
      result_type  TEXT,
      agency       TEXT    NOT NULL,
      official     TEXT    NOT NULL,
      content_hash TEXT    NOT NULL,
      media_type   TEXT    NOT NULL,
      pages        INTEGER NOT NULL,
      certified    INTEGER NOT NULL,
      valid_until  TEXT,
      event_id     TEXT    NOT NULL,
      at           TEXT    NOT NULL,
      reuses       INTEGER NOT NULL DEFAULT 0,
      revoked_at   TEXT,
      revoked_by   TEXT
    ) WITHOUT ROWID;`,
  // documents this hub exchanged with other hubs (their trail is read from the exchange)
  lineage_exchanged: `
    CREATE TABLE IF NOT EXISTS lineage_exchanged (
      document_id TEXT PRIMARY KEY,
      first_at    TEXT NOT NULL
    ) WITHOUT ROWID;`,
  lineage_erased: `
    CREATE TABLE IF NOT EXISTS lineage_erased (
      subject TEXT PRIMARY KEY,
      at      TEXT NOT NULL
    ) WITHOUT ROWID;`,
} as const;

/** The statements the projection writes with, prepared once per connection. */
export function lineageStatements(db: ReadModelDb) {
  const p = (sql: string) => db.prepare(sql) as SqlStatement;
  return {
    access:
      p(`INSERT OR IGNORE INTO lineage_accesses (subject, dataset, position, access_id, kind, fields, agency,
      official, role, purpose, dossier, contract_id, contract_version, consent_id, sources, detail, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    record:
      p(`INSERT OR IGNORE INTO lineage_records (position, event_id, deleted, dataset, record_key, subject,
      revision, run_id, tbl, pk, source_position, fetched_at, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    runNamed: p(`INSERT OR IGNORE INTO lineage_runs (run_id, connector, system, outcome, started_at)
      VALUES (?, ?, ?, 'unrecorded', ?)`),
    runStarted: p(`INSERT INTO lineage_runs (run_id, connector, version, system, tables, outcome, started_at)
      VALUES (?, ?, ?, ?, ?, 'running', ?)
      ON CONFLICT (run_id) DO UPDATE SET connector = excluded.connector, version = excluded.version,
        system = excluded.system, tables = excluded.tables, started_at = excluded.started_at,
        outcome = CASE WHEN outcome = 'unrecorded' THEN 'running' ELSE outcome END`),
    runEnded:
      p(`INSERT INTO lineage_runs (run_id, connector, outcome, ended_at, duration_ms, counts, error_code)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (run_id) DO UPDATE SET outcome = excluded.outcome, ended_at = excluded.ended_at,
        duration_ms = excluded.duration_ms, counts = excluded.counts, error_code = excluded.error_code`),
    consent:
      p(`INSERT OR REPLACE INTO lineage_consents (consent_id, subject, consumer, purposes, scope, dossier,
      valid_from, valid_until, collected_agency, collected_official, receipt_id, granted_at, status)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')`),
    consentEnded: p('UPDATE lineage_consents SET status = ?, ended_at = ? WHERE consent_id = ?'),
    contract: p(`INSERT OR REPLACE INTO lineage_contracts (contract_id, version, provider, consumer, dataset,
      fields, purposes, legal_basis, consent_required, valid_from, valid_until, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    contractRevoked: p('UPDATE lineage_contracts SET revoked_on = ? WHERE contract_id = ? AND version = ?'),
    dossier: p(`INSERT OR REPLACE INTO lineage_dossiers (dossier_id, procedure, procedure_version, agency,
      channel, applicant, parent, submitted_at, last_event, updated_at, prefilled, typed)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    dossierStep: p('UPDATE lineage_dossiers SET last_event = ?, updated_at = ? WHERE dossier_id = ?'),
    dossierCounts: p('UPDATE lineage_dossiers SET prefilled = ?, typed = ? WHERE dossier_id = ?'),
    dossierResult: p('UPDATE lineage_dossiers SET result_document = ? WHERE dossier_id = ?'),
    componentHeld:
      p(`INSERT INTO lineage_components (dossier_id, component, resolution, source_kind, source_id,
      source_event, at) VALUES (?, ?, 'held', ?, ?, ?, ?)
      ON CONFLICT (dossier_id, component) DO UPDATE SET source_kind = excluded.source_kind,
        source_id = excluded.source_id, source_event = excluded.source_event, at = excluded.at
      WHERE resolution = 'held'`),
    componentsUnheld: p(`DELETE FROM lineage_components WHERE dossier_id = ? AND resolution = 'held'
      AND component NOT IN (SELECT value FROM json_each(?))`),
    componentResolved: p(`INSERT OR REPLACE INTO lineage_components (dossier_id, component, resolution,
      source_kind, source_id, source_event, document_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    document: p(`INSERT OR IGNORE INTO lineage_documents (document_id, origin, subject, dossier, component,
      result_type, agency, official, content_hash, media_type, pages, certified, valid_until, event_id, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    documentReused: p('UPDATE lineage_documents SET reuses = reuses + 1 WHERE document_id = ?'),
    documentRevoked: p('UPDATE lineage_documents SET revoked_at = ?, revoked_by = ? WHERE document_id = ?'),
    exchanged: p('INSERT OR IGNORE INTO lineage_exchanged (document_id, first_at) VALUES (?, ?)'),
    erased: p('INSERT OR IGNORE INTO lineage_erased (subject, at) VALUES (?, ?)'),
  };
}

export type LineageStatements = ReturnType<typeof lineageStatements>;
