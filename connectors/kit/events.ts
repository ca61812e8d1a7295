import type { EventData } from '../../hub/kernel/event-store.js';

/** Where a stream of a source stands: what the next run resumes after. */
export interface StreamState {
  /** Table (or stream) name at the source. */
  stream: string;
  mode: 'incremental' | 'full_refresh';
  /** Last row handled, in read order: cursor value (incremental only) and primary-key value. */
  cursor: string | number | null;
  pk: string | number | null;
  /**
   * A full refresh in progress (every run of a `full_refresh` stream, or `sync --full-refresh` of
   * an incremental one): its id, which keys its seen-set in the record index.
   */
  generation?: string;
}

export interface RunCounts {
  /** Rows read, those the look-back read again included. */
  read: number;
  upserted: number;
  unchanged: number;
  deleted: number;
  /** Rows rejected and sent to the dead-letter stream: new rows, or new content or reasons. */
  rejected: number;
  /** Rows held out of their record by an identity conflict (absent from events of older runs). */
  quarantined: number;
  /**
   * Rows rejected again as their last dead letter says (same content, same reasons): read again by
   * a look-back, a retried run or after a reset. No second dead letter, and not counted toward
   * `maxRejectedRows` / `maxRejectedRatio`: the run that dead-lettered them counted them (absent
   * from events of older runs).
   */
  rejectedAgain: number;
  /**
   * Rows of `read` the look-back (`cursorLookback`) read again: at or before the checkpoint the run
   * resumed from. Each is also counted by what became of it, mostly `unchanged` or `rejectedAgain`
   * (absent from events of older runs).
   */
  reread: number;
}

/** A run that has counted nothing yet. */
export const zeroCounts = (): RunCounts => ({
  read: 0,
  upserted: 0,
  unchanged: 0,
  deleted: 0,
  rejected: 0,
  quarantined: 0,
  rejectedAgain: 0,
  reread: 0,
});

/** `a + b`, count by count (`quarantined`, `rejectedAgain` and `reread` are absent from events of older runs). */
export const addCounts = (a: RunCounts, b: RunCounts): RunCounts => ({
  read: a.read + b.read,
  upserted: a.upserted + b.upserted,
  unchanged: a.unchanged + b.unchanged,
  deleted: a.deleted + b.deleted,
  rejected: a.rejected + b.rejected,
  quarantined: (a.quarantined ?? 0) + (b.quarantined ?? 0),
  rejectedAgain: (a.rejectedAgain ?? 0) + (b.rejectedAgain ?? 0),
  reread: (a.reread ?? 0) + (b.reread ?? 0),
});

export interface ConnectorRunStartedData {
  connector: string;
  version: string;
  runId: string;
  system: string;
  streams: string[];
  /** Checkpoints the run resumes from (empty on a first run or after a reset). */
  resumedFrom: StreamState[];
  /** Incremental streams the run reads as a full refresh (`sync --full-refresh`), when any. */
  fullRefresh?: string[];
  /** What each stream reads and writes, column by column (absent from events of older runs). */
  lineage?: StreamLineage[];
}

/**
 * Where the fields a stream writes come from: names of tables and columns, never values. A query's
 * columns are the query's own: they are named after the stream, and `tables` is empty.
 */
export interface StreamLineage {
  stream: string;
  /** The dataset the stream feeds (for an event target: the target's name). */
  dataset: string;
  /** The event target the stream feeds instead of a dataset. */
  target?: string;
  /** Tables read: the base table, then the joined ones; empty for a query. */
  tables: string[];
  /** Each mapped field (dotted path), its source column and the mapping's steps (`trim`, `cast:date` …). */
  fields: { field: string; table: string; column: string; steps: string[] }[];
  /** Columns that choose, order or match the rows rather than fill a field. */
  uses: { table: string; column: string; use: 'key' | 'cursor' | 'softDelete' | 'join' }[];
}

export interface ConnectorRunCheckpointedData {
  connector: string;
  runId: string;
  state: StreamState;
  /** Counts of the run so far. */
  counts: RunCounts;
  /** Global position of the last record event the checkpoint covers (0 when the batch wrote none). */
  lastPosition: number;
}

export interface ConnectorRunCompletedData {
  connector: string;
  runId: string;
  counts: RunCounts;
  durationMs: number;
  /** Final state of every stream (also the next run's starting point). */
  states: StreamState[];
}

export interface ConnectorRunFailedData {
  connector: string;
  runId: string;
  counts: RunCounts;
  durationMs: number;
  error: { code: string; failure: 'config' | 'transient' | 'system'; message: string };
}

export interface ConnectorStateResetData {
  connector: string;
  /** States forgotten by the reset: the next run reads every stream from the start. */
  previous: StreamState[];
}

export interface ConnectorRowRejectedData {
  connector: string;
  runId: string;
  stream: string;
  dataset: string;
  /** Primary key of the source row; a keyed hash instead when the key column holds personal data. */
  sourceKey: Record<string, string | number>;
  /** Failing field paths in the mapped record, and why; never the values. */
  issues: { path: string; message: string }[];
}

/** A source row as an identity conflict names it: its table and key (keyed hash when the key is personal). */
export interface ConflictRow {
  /** Connector that read the row, when another than the one reporting the conflict. */
  connector?: string;
  stream: string;
  sourceKey: Record<string, string>;
}

export interface ConnectorIdentityConflictData {
  connector: string;
  runId: string;
  conflictId: string;
  dataset: string;
  /** The record's key as in its stream name (a keyed pseudonym when the key is personal). */
  recordKey: string;
  /** Identity fields (`x-dataset.identity`) whose values differ between the rows: names only. */
  fields: string[];
  /** The two rows: the one the record holds (or the first read) first. */
  rows: ConflictRow[];
}

export interface ConnectorConflictResolvedData {
  connector: string;
  conflictId: string;
  dataset: string;
  recordKey: string;
  /** `keep`: only the rows in `kept` may write the record; `release`: every row of the conflict may. */
  resolution: 'keep' | 'release';
  kept: ConflictRow[];
  note?: string;
}

export type ConnectorRunStarted = EventData<'ConnectorRunStarted', ConnectorRunStartedData>;
export type ConnectorRunCheckpointed = EventData<'ConnectorRunCheckpointed', ConnectorRunCheckpointedData>;
export type ConnectorRunCompleted = EventData<'ConnectorRunCompleted', ConnectorRunCompletedData>;
export type ConnectorRunFailed = EventData<'ConnectorRunFailed', ConnectorRunFailedData>;
export type ConnectorStateReset = EventData<'ConnectorStateReset', ConnectorStateResetData>;
export type ConnectorRowRejected = EventData<'ConnectorRowRejected', ConnectorRowRejectedData>;
export type ConnectorIdentityConflict = EventData<'ConnectorIdentityConflict', ConnectorIdentityConflictData>;
export type ConnectorConflictResolved = EventData<'ConnectorConflictResolved', ConnectorConflictResolvedData>;

/** Every event type the connector kit writes (each has a schema in schemas/events/). */
export const eventTypes = [
  'ConnectorRunStarted',
  'ConnectorRunCheckpointed',
  'ConnectorRunCompleted',
  'ConnectorRunFailed',
  'ConnectorStateReset',
  'ConnectorRowRejected',
  'ConnectorIdentityConflict',
  'ConnectorConflictResolved',
] as const;

/** Run events and checkpoints of a connector. */
export const connectorStream = (connector: string) => `connector-${connector}`;
/** Rejected rows of a connector (keys and failing paths only). */
export const deadLetterStream = (connector: string) => `deadletter-${connector}`;
/** Identity conflicts of a connector and their resolutions (keys and field names only). */
export const conflictStream = (connector: string) => `conflict-${connector}`;
