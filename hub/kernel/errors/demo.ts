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

// ── GraphiQL's demo tokens (demo/graphiql-tokens.ts) ──────────────────────────────────────────

/** The agency is not a demo agency in force (not in demo/agencies.yaml with demo keys, or retired). */
export class DemoAgencyUnknownError extends defineError({
  code: 'DEMO_AGENCY_UNKNOWN',
  status: 404,
  args: (agency: string) => ({ agency }),
  message: (d) => `${d.agency} is not a demo agency in force`,
}) {}

export class DemoRoleNotHeldError extends defineError({
  code: 'DEMO_ROLE_NOT_HELD',
  status: 400,
  args: (agency: string, role: string) => ({ agency, role }),
  message: (d) => `demo agency ${d.agency} does not hold the role ${d.role}`,
}) {}

/** A citizen-portal token acts for a citizen, so it needs the citizen's ID number. */
export class DemoCitizenRequiredError extends defineError({
  code: 'DEMO_CITIZEN_REQUIRED',
  status: 400,
  args: () => ({}),
  message: () => 'a citizen-portal token acts for a citizen: give citizenPid (12 digits)',
}) {}

/** The agency's demo key pair is made while demo data is seeded; it is not there yet. */
export class DemoKeyMissingError extends defineError({
  code: 'DEMO_KEY_MISSING',
  status: 503,
  retryable: true,
  args: (agency: string) => ({ agency }),
  message: (d) => `the demo key of ${d.agency} is not there yet: it is made while demo data is seeded`,
}) {}
