import { HubError } from './base.js';

// ── Module composition ─────────────────────────────────────────────────────────────────────────

/**
 * Two modules of the module list claim the same thing (a read model, a GraphQL field or its resolver):
 * the hub refuses to start rather than let one silently shadow the other.
 */
/** What two modules can claim alike. */
export type ModulePart = 'projection' | 'graphql-field' | 'graphql-resolver';

export class ModuleConflictError extends HubError {
  readonly code = 'MODULE_CONFLICT';
  readonly status = 500;
  constructor(
    readonly part: ModulePart,
    /** Its name (`Query.person` for a field). */
    readonly claimed: string,
    readonly modules: readonly [string, string],
  ) {
    super(`${part} ${claimed} is defined by both module ${modules[0]} and module ${modules[1]}`);
  }
  override details() {
    return { part: this.part, claimed: this.claimed, modules: this.modules };
  }
}
