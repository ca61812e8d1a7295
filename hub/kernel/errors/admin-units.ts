import { defineError } from './base.js';

// ── Administrative units ───────────────────────────────────────────────────────────────────────

export class AdminUnitNotFoundError extends defineError({
  code: 'ADMINUNIT_NOT_FOUND',
  status: 404,
  args: (unitId: string) => ({ unitId }),
  message: (d) => `administrative unit ${d.unitId} not found`,
}) {}

/** The administrative-unit source files do not have the expected shape. */
export class AdminUnitSourceError extends defineError({
  code: 'ADMINUNIT_BAD_SOURCE',
  status: 500,
  args: (file: string, line: number, reason: string) => ({ file, line, reason }),
  message: (d) => `${d.file} line ${d.line}: ${d.reason}`,
}) {}

/** A query date is not a calendar date written YYYY-MM-DD. */
export class InvalidDateError extends defineError({
  code: 'ADMINUNIT_INVALID_DATE',
  status: 400,
  args: (value: string) => ({ value }),
  message: (d) => `expected a date as YYYY-MM-DD, got ${JSON.stringify(d.value)}`,
}) {}
