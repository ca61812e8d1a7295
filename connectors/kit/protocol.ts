import type { ConnectorIssue } from '../../hub/kernel/errors/index.js';
import type { StreamState } from './events.js';

/**
 * The connector interface, modelled on the Airbyte protocol: `spec` describes the configuration,
 * `check` proves connectivity and grants, `discover` lists what can be read, and `read` yields
 * batches of rows, each with the state to resume after it. Connectors never write to the hub: the
 * kit's sync engine maps, validates, seals and appends what `read` yields.
 */
export interface SourceConnector<Config = Record<string, unknown>> {
  spec(): ConnectorSpec;
  check(
    config: Config,
    options?: { timeoutMs?: number; streams?: ConfiguredStream[]; columns?: ColumnReference[] },
  ): Promise<CheckResult>;
  discover(config: Config): Promise<Catalog>;
  read(config: Config, stream: ConfiguredStream, options: ReadOptions): AsyncIterable<SourceBatch>;
  /** Rows a read from `state` would return (for progress bars): statistics, or a bounded count. */
  estimate?(config: Config, stream: ConfiguredStream, state: StreamState | null): Promise<RowCount>;
}

export interface ConnectorSpec {
  /** JSON Schema (draft 2020-12) of the configuration. */
  configSchema: Record<string, unknown>;
  supportedModes: ('incremental' | 'full_refresh')[];
}

export interface CheckResult {
  ok: boolean;
  /** Source system without credentials. */
  system: string;
  elapsedMs: number;
  /** What was verified, in words (`connected`, `SELECT on cong_dan`), or why it failed. */
  /** `warning`: passed, but something to act on (a cursor column without an index). */
  checks: { name: string; ok: boolean; message?: string; warning?: string }[];
  error?: { code: string; failure: 'config' | 'transient' | 'system'; message: string };
}

/** A source column the manifest or a mapping names, and where it names it (for `check`). */
export interface ColumnReference {
  table: string;
  column: string;
  /** The naming field, e.g. `mapping mapping.json: fullName.from`, `connector.json: streams[0].cursorField`. */
  at: string;
  /** The reference as written, when it is not the bare column (`hgd.dia_chi` in a join). */
  written?: string;
}

export interface ColumnInfo {
  name: string;
  /** Type as the source names it. */
  type: string;
  nullable: boolean;
}

export interface CatalogStream {
  name: string;
  /** A base table or a view (views have no declared keys; name them in the manifest). */
  kind?: 'table' | 'view';
  columns: ColumnInfo[];
  /** Declared primary key (empty when none). */
  primaryKey: string[];
  /** Unique NOT NULL columns that could stand in for a missing primary key. */
  primaryKeyCandidates: string[][];
  /** Columns usable as an incremental cursor (timestamps, dates, increasing integers), best first. */
  cursorCandidates: string[];
  /** Columns that look like a soft-delete flag. */
  softDeleteCandidates: string[];
  estimatedRows: number;
  /** Where `estimatedRows` comes from. */
  rowsFrom: RowCount['from'];
  /** Declared foreign keys from this table. */
  foreignKeys?: ForeignKey[];
}

export interface ForeignKey {
  /** Constraint name, when the database has one. */
  name?: string;
  columns: string[];
  references: { table: string; columns: string[] };
}

/** A join `discover` proposes, ready to paste into a stream of the manifest. */
export interface SuggestedJoin {
  table: string;
  alias: string;
  primaryKey?: string;
  cursorField?: string;
  joins: JoinedTable[];
  /** Why each join is proposed (`foreign key fk_…`, `same name as the primary key of …`). */
  reasons: string[];
}

/** How many rows a table (or a read) holds, and how that is known. */
export interface RowCount {
  rows: number;
  /**
   * `statistics`: the database's own figure (pg_class.reltuples, information_schema.TABLES.TABLE_ROWS,
   * sqlite_stat1), an estimate as of its last ANALYZE; `count`: counted; `at-least`: the count
   * stopped at its bound, so there are at least `rows`.
   */
  from: 'statistics' | 'count' | 'at-least';
}

export interface Catalog {
  system: string;
  streams: CatalogStream[];
  suggestedJoins?: SuggestedJoin[];
}

/** A table joined to a stream's base table (manifest `streams[].joins[]`). */
export interface JoinedTable {
  table: string;
  alias: string;
  kind: 'inner' | 'left';
  /** Column of this table → `alias.column` of the base table or of an earlier join. */
  on: Record<string, string>;
  /** Column of this table that grows when its row changes: a change re-reads the rows it joins to. */
  cursorField?: string;
}

/** Rows of a stream come from its base table joined to others. */
export interface JoinSource {
  kind: 'join';
  table: string;
  alias: string;
  joins: JoinedTable[];
  /** `alias.column` of every cursor column (base first); the effective cursor is the greatest. */
  cursorColumns: string[];
  /** Manifest pointer of the stream (`/streams/0`), for errors. */
  at: string;
}

/** Rows of a stream come from a read-only SELECT the developer wrote. */
export interface QuerySource {
  kind: 'query';
  sql: string;
  /** Result columns whose greatest value is the effective cursor. */
  cursorColumns: string[];
  /** Manifest pointer of the stream (`/streams/0`), for errors. */
  at: string;
}

/** A stream as configured in a manifest. */
export interface ConfiguredStream {
  /** Source table; for a join or a query, the stream's name (the key of its checkpoint). */
  name: string;
  mode: 'incremental' | 'full_refresh';
  /** Single-column primary key (the tie-breaker of incremental reads). */
  primaryKey: string;
  /** Column of the rows read that orders an incremental read (`_cursor` for a join or a query). */
  cursorField?: string;
  /** Columns to select (for a join, `alias.column` names a joined table's column). */
  columns: string[];
  /** Rows come from a join or a query instead of the table `name`. */
  source?: JoinSource | QuerySource;
}

export interface ReadOptions {
  /** Resume after this state; null reads from the start. */
  state: StreamState | null;
  batchSize: number;
  /** Stop after this many rows. */
  limit?: number;
  signal?: AbortSignal;
}

export type SourceRow = Record<string, unknown>;

export interface SourceBatch {
  rows: SourceRow[];
  /** State after the last row of the batch. */
  state: StreamState;
}

export type { ConnectorIssue };
