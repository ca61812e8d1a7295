import type { EventFilter, RecordedEvent } from './event-store.js';
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
}
