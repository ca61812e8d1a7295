import { defineError } from './base.js';

// ── Agencies ───────────────────────────────────────────────────────────────────────────────────

export class AgencyNotFoundError extends defineError({
  code: 'AGENCY_NOT_FOUND',
  status: 404,
  args: (organCode: string) => ({ organCode }),
  message: (d) => `agency ${d.organCode} is not registered`,
}) {}

/** A command conflicts with the agency's current state (already registered differently, retired, …). */
export class AgencyStateError extends defineError({
  code: 'AGENCY_INVALID_STATE',
  status: 409,
  args: (organCode: string, reason: string) => ({ organCode, reason }),
  message: (d) => `agency ${d.organCode}: ${d.reason}`,
}) {}
