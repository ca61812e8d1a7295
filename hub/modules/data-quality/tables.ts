import type { ReadModelDb } from '../../kernel/read-model.js';

/** The read model's name (its projection's). */
export const DATA_QUALITY_MODEL = 'data-quality';

/** Records written without provenance (no `metadata.source`) count under this source. */
export const UNKNOWN_SOURCE = 'unknown';

/**
 * The tables of read model `data-quality` (created if missing; the plugin creates them too, so the
 * queries answer, empty, on a hub that does not run the projection). Nothing in them is personal:
 * record keys and subjects are the log's keyed pseudonyms, digests are keyed per person, presence
 * is field names.
 *
 * - `dq_rows`: each source row a connector has read (connector, table, key as the dead letters
 *   show it): its last outcome (`imported`, `failing`, `deleted`, `erased`), the record it wrote,
 *   its last dead letter and the required fields that dead letter says are missing;
 * - `dq_records`: each current record: the source that wrote its version, the optional fields it
 *   holds, its digests, and whether it is a duplicate of its subject or disagrees with the
 *   subject's other records (attributes compared, attributes in conflict);
 * - `dq_dup_keys`: record keys two rows of one source have both written (the current version from
 *   another row than the one before), until the record is deleted;
 * - `dq_counts`: counters by dataset, source and metric, kept as the rows and records change;
 * - `dq_sources`: each dataset's sources, and when their figures last changed;
 * - `dq_streams`: the dataset each stream of a connector feeds;
 * - `dq_runs`: each connector's runs: the last one, the last success with the stream states
 *   (cursors) it ended at, the last failure;
 * - `dq_identity`: identity conflicts (two people under one key), open or resolved;
 * - `dq_findings`: the findings raised and closed (`DataQualityFindingRaised` / `Closed`).
 */
export function createDataQualityTables(db: ReadModelDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS dq_rows (
      connector   TEXT NOT NULL,
      stream      TEXT NOT NULL,
      source_key  TEXT NOT NULL,
      dataset     TEXT NOT NULL,
      state       TEXT NOT NULL,
      record_key  TEXT,
      dead_letter TEXT,
      missing     TEXT,
      UNIQUE (connector, stream, source_key)
    );
    CREATE INDEX IF NOT EXISTS dq_rows_failing ON dq_rows (dataset, connector) WHERE state = 'failing';
    CREATE TABLE IF NOT EXISTS dq_records (
      dataset     TEXT    NOT NULL,
      record_key  TEXT    NOT NULL,
      subject     TEXT,
      connector   TEXT    NOT NULL,
      writer      TEXT,
      present     TEXT    NOT NULL,
      listed      INTEGER NOT NULL,
      digests     TEXT,
      dup_subject INTEGER NOT NULL,
      compared    TEXT    NOT NULL,
      conflicts   TEXT    NOT NULL,
      UNIQUE (dataset, record_key)
    );
    CREATE INDEX IF NOT EXISTS dq_records_subject ON dq_records (subject) WHERE subject IS NOT NULL;
    CREATE INDEX IF NOT EXISTS dq_records_conflicts ON dq_records (dataset, connector) WHERE conflicts <> '';
    CREATE INDEX IF NOT EXISTS dq_records_dup ON dq_records (dataset, connector) WHERE dup_subject = 1;
    CREATE TABLE IF NOT EXISTS dq_dup_keys (
      dataset TEXT NOT NULL, connector TEXT NOT NULL, record_key TEXT NOT NULL,
      PRIMARY KEY (dataset, connector, record_key)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS dq_counts (
      dataset TEXT NOT NULL, connector TEXT NOT NULL, metric TEXT NOT NULL, value INTEGER NOT NULL,
      PRIMARY KEY (dataset, connector, metric)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS dq_sources (
      dataset TEXT NOT NULL, connector TEXT NOT NULL, changed_at TEXT NOT NULL,
      PRIMARY KEY (dataset, connector)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS dq_streams (
      connector TEXT NOT NULL, stream TEXT NOT NULL, dataset TEXT NOT NULL,
      PRIMARY KEY (connector, stream)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS dq_runs (
      connector        TEXT PRIMARY KEY,
      system           TEXT,
      runs             INTEGER NOT NULL,
      failed_runs      INTEGER NOT NULL,
      first_run_at     TEXT NOT NULL,
      last_run_id      TEXT NOT NULL,
      last_started_at  TEXT NOT NULL,
      last_outcome     TEXT NOT NULL,
      last_ended_at    TEXT,
      last_counts      TEXT,
      success_run_id   TEXT,
      success_at       TEXT,
      success_states   TEXT,
      failure_run_id   TEXT,
      failure_at       TEXT,
      failure_code     TEXT
    );
    CREATE TABLE IF NOT EXISTS dq_identity (
      connector TEXT NOT NULL, conflict_id TEXT NOT NULL, dataset TEXT NOT NULL, record_key TEXT NOT NULL,
      open INTEGER NOT NULL,
      PRIMARY KEY (connector, conflict_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS dq_identity_open ON dq_identity (dataset, connector) WHERE open = 1;
    CREATE TABLE IF NOT EXISTS dq_findings (
      finding_id     TEXT PRIMARY KEY,
      dataset        TEXT NOT NULL,
      source         TEXT NOT NULL,
      dimension      TEXT NOT NULL,
      metric         TEXT NOT NULL,
      field          TEXT,
      bound          TEXT NOT NULL,
      figure         REAL NOT NULL,
      threshold      REAL NOT NULL,
      count          INTEGER,
      of             INTEGER,
      since          TEXT NOT NULL,
      raised_at      TEXT NOT NULL,
      position       INTEGER NOT NULL,
      examples       TEXT NOT NULL,
      closed_at      TEXT,
      closing_figure REAL,
      close_reason   TEXT
    );
    CREATE INDEX IF NOT EXISTS dq_findings_position ON dq_findings (position);
    CREATE INDEX IF NOT EXISTS dq_findings_open ON dq_findings (position) WHERE closed_at IS NULL;
  `);
}

/** Every table of the model, emptied on a rebuild. */
export const DATA_QUALITY_TABLES = [
  'dq_rows',
  'dq_records',
  'dq_dup_keys',
  'dq_counts',
  'dq_sources',
  'dq_streams',
  'dq_runs',
  'dq_identity',
  'dq_findings',
] as const;

/** A comma-separated list as stored ('' for none). */
export const listOf = (text: string | null | undefined): string[] => (text ? text.split(',') : []);
