import { HubError } from './base.js';

// ── Projections ────────────────────────────────────────────────────────────────────────────────

export class UnknownProjectionError extends HubError {
  readonly code = 'PROJECTION_UNKNOWN';
  readonly status = 404;
  constructor(
    readonly projection: string,
    readonly known: readonly string[],
  ) {
    super(`unknown projection ${JSON.stringify(projection)}; known: ${known.join(', ')}`);
  }
}

/** A projection's handler threw: its batch was rolled back and the projection stopped. */
export class ProjectionFailedError extends HubError {
  readonly code = 'PROJECTION_FAILED';
  readonly status = 500;
  constructor(
    readonly projection: string,
    /** Position of the event being applied, or of the last event of the batch when the batch failed as a whole. */
    readonly position: number,
    readonly eventType: string | null,
    readonly reason: string,
  ) {
    super(
      `projection ${projection} failed at position ${position}${eventType ? ` (${eventType})` : ''}: ${reason}`,
    );
  }
  override details() {
    return {
      projection: this.projection,
      position: this.position,
      eventType: this.eventType,
      reason: this.reason,
    };
  }
}

/** The read-model file holds another version of a projection than this code (another process rebuilt it). */
export class ProjectionVersionConflictError extends HubError {
  readonly code = 'PROJECTION_VERSION_CONFLICT';
  readonly status = 409;
  constructor(
    readonly projection: string,
    readonly stored: number,
    readonly expected: number,
  ) {
    super(`projection ${projection}: read model has version ${stored}, this code expects ${expected}`);
  }
  override details() {
    return { projection: this.projection, stored: this.stored, expected: this.expected };
  }
}

/** `store check` found problems in a database file. */
export class IntegrityCheckError extends HubError {
  readonly code = 'CHECK_INTEGRITY_FAILED';
  readonly status = 500;
  constructor(readonly problems: number) {
    super(`integrity check found ${problems} problem(s); see the report above`);
  }
  override details() {
    return { problems: this.problems };
  }
}

/** The shared live subscription ended although the runner did not stop it (e.g. the store was closed). */
export class LiveSubscriptionEndedError extends HubError {
  readonly code = 'PROJECTION_SUBSCRIPTION_ENDED';
  readonly status = 503;
  override readonly retryable = true;
  constructor() {
    super('the live event subscription ended unexpectedly; projections will catch up again');
  }
}
