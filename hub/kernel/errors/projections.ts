import { defineError, noDetails } from './base.js';

// ── Projections ────────────────────────────────────────────────────────────────────────────────

export class UnknownProjectionError extends defineError({
  code: 'PROJECTION_UNKNOWN',
  status: 404,
  args: (projection: string, known: readonly string[]) => ({ projection, known }),
  message: (d) => `unknown projection ${JSON.stringify(d.projection)}; known: ${d.known.join(', ')}`,
  expose: noDetails,
}) {}

/** A projection's handler threw: its batch was rolled back and the projection stopped. */
export class ProjectionFailedError extends defineError({
  code: 'PROJECTION_FAILED',
  status: 500,
  args: (
    projection: string,
    /** Position of the event being applied, or of the last event of the batch when the batch failed as a whole. */
    position: number,
    eventType: string | null,
    reason: string,
  ) => ({ projection, position, eventType, reason }),
  message: (d) =>
    `projection ${d.projection} failed at position ${d.position}${d.eventType ? ` (${d.eventType})` : ''}: ${d.reason}`,
}) {}

/** The read-model file holds another version of a projection than this code (another process rebuilt it). */
export class ProjectionVersionConflictError extends defineError({
  code: 'PROJECTION_VERSION_CONFLICT',
  status: 409,
  args: (projection: string, stored: number, expected: number) => ({ projection, stored, expected }),
  message: (d) =>
    `projection ${d.projection}: read model has version ${d.stored}, this code expects ${d.expected}`,
}) {}

/** The shared live subscription ended although the runner did not stop it (e.g. the store was closed). */
export class LiveSubscriptionEndedError extends defineError({
  code: 'PROJECTION_SUBSCRIPTION_ENDED',
  status: 503,
  retryable: true,
  args: () => ({}),
  message: () => 'the live event subscription ended unexpectedly; projections will catch up again',
}) {}
