import type { EventFilter, FieldPath, FieldsRow, RecordedEvent } from './event-store.js';
import type { ReadModelDb } from './read-model.js';

/**
 * A read model kept up to date from the event log. The runner opens one SQLite transaction per
 * batch, calls `apply` for each event in position order, and stores the checkpoint in the same
 * transaction, so every event is applied exactly once even across crashes.
 */
export interface ProjectionDefinition {
  /** kebab-case, unique; also the CLI name (`npm run hub -- projections rebuild <name>`). */
  name: string;
  /** Bump when the read model's shape or meaning changes: the runner then rebuilds it from zero. */
  version: number;
  description: string;
  /** Only these events are delivered (pushed down to the store where it can filter). */
  filter?: EventFilter;
  /** Creates the read-model tables if missing and returns a handler bound to `db`. */
  open(db: ReadModelDb): ProjectionHandler;
}

export interface ProjectionHandler {
  /** Synchronous; runs inside the runner's transaction. Must tolerate event types it does not know. */
  apply(event: RecordedEvent): void;
  /** Deletes every row of the read model (inside the runner's transaction), before a rebuild. */
  reset(): void;
  /**
   * Optional: called once per batch, inside the same transaction, after the batch's `apply` calls.
   * Lets a handler buffer in `apply` and write aggregated rows once per batch (faster rebuilds).
   */
  endBatch?(): void;
  /**
   * Optional: a rebuild from zero folded in memory instead of batch by batch. `runner.rebuild` feeds
   * every event of the log to the rebuilder's `apply`, in position order and outside any
   * transaction (so `apply` must not touch the database), then calls its `write` once, inside
   * the one transaction that also empties the model (`reset`) and stores the checkpoint: a crash
   * before it leaves the model empty at checkpoint zero, never half written. Memory grows with
   * what the model keeps (for the service index, one record per dossier).
   */
  rebuilder?(): ProjectionRebuilder;
}

export interface ProjectionRebuilder {
  /** Synchronous, like `ProjectionHandler.apply`; must tolerate event types it does not know. */
  apply(event: RecordedEvent): void;
  /** Writes everything folded into the emptied read model (inside the runner's transaction). */
  write(): void;
  /**
   * Optional: the same rebuild from fields reads (`FieldsQuery`) instead of whole events, split
   * into parts folded apart — in worker threads when the store can be read from them. When it is
   * present `runner.rebuild` uses it, not `apply` and `write`.
   */
  split?: RebuildSplit;
}

/**
 * A rebuild in parts. Each part reads the fields it declares of the events of its share of the
 * partition keys (`RebuildPart.keys`; events of unkeyed types go to every part), in position
 * order, and folds them; then the parts' `folded()` summaries are combined into what every part
 * needs to finish (for the service index: the latest instant seen anywhere), each part finishes,
 * and `write` writes all their results, in the runner's one transaction.
 */
export interface RebuildSplit {
  /**
   * URL of a module exporting `rebuildPart(args, index, count): RebuildPart`, for worker threads;
   * null when the parts can only be made here.
   */
  module: string | null;
  /** What `rebuildPart` needs (structured-clonable). */
  args: unknown;
  /** A part made in this thread (used when the store cannot be read from other threads). */
  part(index: number, count: number): RebuildPart;
  combine(summaries: unknown[]): unknown;
  /** Writes the parts' results into the emptied read model (inside the runner's transaction). */
  write(results: unknown[]): void;
}

export interface RebuildPart {
  /** The event types read, each with the fields its rows carry (`FieldsQuery.types`). */
  types: Readonly<Record<string, readonly FieldPath[]>>;
  /** The partition key of each keyed type (`FieldsPartition.keys`). */
  keys: Readonly<Record<string, FieldPath>>;
  /** One row of a declared type, in position order; synchronous. */
  apply(row: FieldsRow): void;
  /** What the other parts must know of this one before any finishes (structured-clonable). */
  folded(): unknown;
  /** The part's result, given the combined summaries (structured-clonable). */
  finish(combined: unknown): unknown;
}
