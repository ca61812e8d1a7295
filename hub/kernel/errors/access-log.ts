import { defineError } from './base.js';

// ── The access log as inspectors and citizens read it: search, export, deferred disclosure ─────

/** A filter, page size, cursor, format or deferral argument is not usable; `field` names it. */
export class AccessLogInputError extends defineError({
  code: 'ACCESS_LOG_INVALID_INPUT',
  status: 400,
  args: (field: string, reason: string) => ({ field, reason }),
  message: (d) => `${d.field}: ${d.reason}`,
}) {}

/** The access named (by its event id) is not in the access log: nothing to defer. */
export class AccessLogAccessNotFoundError extends defineError({
  code: 'ACCESS_LOG_ACCESS_NOT_FOUND',
  status: 404,
  args: (accessId: string, field: string) => ({ accessId, field }),
  message: (d) => `${d.field}: no access ${d.accessId} in the access log`,
}) {}
