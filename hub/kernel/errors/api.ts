import { defineError } from './base.js';

// ── GraphQL API ────────────────────────────────────────────────────────────────────────────────

/** Bad input to the API: `field` names the argument, variable or body member (`purpose`, `input.scope[0].fields`). */
export class ApiBadInputError extends defineError({
  code: 'API_BAD_INPUT',
  status: 400,
  args: (
    reason: string,
    input: { field?: string; limit?: { name: string; max: number; actual: number } } = {},
  ) => ({ reason, input }),
  message: (d) => d.reason,
  expose: (d) => ({
    ...(d.input.field ? { field: d.input.field } : {}),
    ...(d.input.limit ? { limit: d.input.limit } : {}),
  }),
}) {}
