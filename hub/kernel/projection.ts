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
}
