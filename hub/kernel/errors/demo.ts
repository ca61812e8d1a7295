import { defineError } from './base.js';

// ── Demo material: the seed and the synthetic source databases (demo/) ────────────────────────

/** A demo stream already holds events other than the ones the seed would write. Nothing was appended to it. */
export class SeedConflictError extends defineError({
  code: 'SEED_CONFLICT',
  status: 409,
  args: (stream: string, expectedEventId: string, foundEventId: string) => ({
    stream,
    expectedEventId,
    foundEventId,
  }),
  message: (d) =>
    `stream ${d.stream} holds event ${d.foundEventId} where the demo seed expects ${d.expectedEventId}`,
}) {}

/** A source target that cannot be used: unknown kind, malformed URL, missing database name. */
export class SourceTargetError extends defineError({
  code: 'SOURCE_TARGET_INVALID',
  status: 400,
  args: (kind: string, reason: string) => ({ kind, reason }),
  message: (d) => `${d.kind} source target: ${d.reason}`,
  expose: (d) => ({ kind: d.kind }),
}) {}

/** The database server for a source could not be reached. */
export class SourceUnavailableError extends defineError({
  code: 'SOURCE_UNAVAILABLE',
  status: 503,
  retryable: true,
  args: (kind: string, reason: string) => ({ kind, reason }),
  message: (d) => `${d.kind} server unavailable: ${d.reason}`,
  expose: (d) => ({ kind: d.kind }),
}) {}
