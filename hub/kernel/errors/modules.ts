import { defineError } from './base.js';

// ── Module composition ─────────────────────────────────────────────────────────────────────────

/** What two modules can claim alike. */
export type ModulePart = 'projection' | 'graphql-field' | 'graphql-resolver' | 'api-service';

/**
 * Two modules of the module list claim the same thing (a read model, a GraphQL field or its resolver,
 * a service of the GraphQL context):
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

/**
 * A module's plugin asked for a GraphQL service that no module before it in the list provided (the
 * module that provides it is missing or comes later): the hub refuses to start.
 */
export class ModuleServiceMissingError extends defineError({
  code: 'MODULE_SERVICE_MISSING',
  status: 500,
  args: (service: string, module: string) => ({ service, module }),
  message: (d) => `module ${d.module} needs service ${d.service}, which no module before it provides`,
}) {}
