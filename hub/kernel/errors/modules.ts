import { defineError } from './base.js';

// ── Module composition ─────────────────────────────────────────────────────────────────────────

/** What two modules can claim alike. */
export type ModulePart = 'projection' | 'graphql-field' | 'graphql-resolver';

/**
 * Two modules of the module list claim the same thing (a read model, a GraphQL field or its resolver):
 * the hub refuses to start rather than let one silently shadow the other.
 */
export class ModuleConflictError extends defineError({
  code: 'MODULE_CONFLICT',
  status: 500,
  args: (
    part: ModulePart,
    /** Its name (`Query.person` for a field). */
    claimed: string,
    modules: readonly [string, string],
  ) => ({ part, claimed, modules }),
  message: (d) =>
    `${d.part} ${d.claimed} is defined by both module ${d.modules[0]} and module ${d.modules[1]}`,
}) {}
