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
