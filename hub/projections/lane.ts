import { HubError, ProjectionFailedError } from '../kernel/errors/index.js';
import type { ProjectionDefinition, ProjectionHandler, ProjectionRebuilder } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';
import type { BatchApplier } from './batch.js';
import { createBatchApplier, resetReadModel, writeRebuilt } from './batch.js';
import type { Checkpoints } from './db.js';

export type ProjectionState = 'catching-up' | 'live' | 'stopped' | 'failed';

export interface ProjectionErrorInfo {
  code: string;
  message: string;
  position: number | null;
  eventType: string | null;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  /** Version of the read model in the database (null before its first run); differs from `version` until rebuilt. */
  storedVersion: number | null;
  /** Position stored with the read model (every event up to it is applied). */
  checkpoint: number;
  /** Position of the store's last event. */
  lastPosition: number;
  /** Positions between the store's last event and what this projection has examined. */
  lag: number;
  state: ProjectionState;
  lastError: ProjectionErrorInfo | null;
}

export interface RebuildProgress {
  projection: string;
  /** Positions replayed so far, out of `total` (the store's last position when the rebuild began). */
  done: number;
  total: number;
  /** Events applied to the read model so far. */
  applied: number;
}

export interface RebuildResult {
  projection: string;
  applied: number;
  checkpoint: number;
  seconds: number;
}

/** One projection as the runner drives it. */
export class Lane {
  readonly handler: ProjectionHandler;
  readonly apply: BatchApplier;
  state: ProjectionState = 'stopped';
  /** The checkpoint this runner last read or wrote in the database. */
  checkpoint = 0;
  /** Every event up to here has been examined (applied or filtered out); may run ahead of `checkpoint`. */
  seen = 0;
  lastError: ProjectionErrorInfo | null = null;
  /** Bumped to cancel a running catch-up (rebuild, stop). */
  generation = 0;

  constructor(
    readonly definition: ProjectionDefinition,
    private readonly db: ReadModelDb,
    readonly checkpoints: Checkpoints,
  ) {
    this.handler = definition.open(db);
    this.apply = createBatchApplier(db, checkpoints, definition, this.handler);
  }

  get name(): string {
    return this.definition.name;
  }

  /** Loads the stored checkpoint; resets the read model when it was built by another version. Returns true if reset. */
  load(): boolean {
    const row = this.checkpoints.get(this.name);
    if (row && row.version === this.definition.version) {
      this.checkpoint = this.seen = row.position;
      return false;
    }
    this.reset();
    return row !== undefined;
  }

  reset(): void {
    resetReadModel(this.db, this.checkpoints, this.definition, this.handler);
    this.checkpoint = this.seen = 0;
  }

  /** Ends an in-memory rebuild: the model emptied, the rebuilder's rows written, the checkpoint set, at once. */
  writeRebuilt(rebuilder: ProjectionRebuilder, checkpoint: number): void {
    writeRebuilt(this.db, this.checkpoints, this.definition, this.handler, rebuilder, checkpoint);
    this.checkpoint = this.seen = checkpoint;
  }

  /** Writes `seen` as the checkpoint when the lane ran past events it did not need. */
  persistSeen(): void {
    if (this.seen <= this.checkpoint || this.state === 'failed') return;
    const outcome = this.apply([], this.checkpoint, this.seen);
    if (outcome.kind === 'applied') this.checkpoint = outcome.checkpoint;
  }
}

export function errorInfo(error: unknown): ProjectionErrorInfo {
  const failed = error instanceof ProjectionFailedError ? error : null;
  return {
    code: error instanceof HubError ? error.code : 'PROJECTION_ERROR',
    message: error instanceof Error ? error.message : 'non-error value thrown',
    position: failed?.position ?? null,
    eventType: failed?.eventType ?? null,
  };
}
