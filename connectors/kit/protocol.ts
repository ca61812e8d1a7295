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
  check(config: Config, options?: { timeoutMs?: number; streams?: string[] }): Promise<CheckResult>;
  discover(config: Config): Promise<Catalog>;
  read(config: Config, stream: ConfiguredStream, options: ReadOptions): AsyncIterable<SourceBatch>;
  /** Rows a read from `state` would return (for progress bars); may be an estimate. */
  estimate?(config: Config, stream: ConfiguredStream, state: StreamState | null): Promise<number>;
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
  checks: { name: string; ok: boolean; message?: string }[];
  error?: { code: string; failure: 'config' | 'transient' | 'system'; message: string };
}

export interface ColumnInfo {
  name: string;
  /** Type as the source names it. */
  type: string;
  nullable: boolean;
}

export interface CatalogStream {
  name: string;
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
}

export interface Catalog {
  system: string;
  streams: CatalogStream[];
}

/** A stream as configured in a manifest. */
export interface ConfiguredStream {
  /** Source table. */
  name: string;
  mode: 'incremental' | 'full_refresh';
  /** Single-column primary key (the tie-breaker of incremental reads). */
  primaryKey: string;
  cursorField?: string;
  /** Columns to select. */
  columns: string[];
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
