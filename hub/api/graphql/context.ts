import type { Principal, Role } from '../../auth/principal.js';
import { AuthForbiddenError, AuthUnauthenticatedError } from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';

/**
 * What resolvers use; built once per app (`graphqlApiPlugin`), shared by every request. A module
 * whose resolvers need a service of its own adds it here by declaration merging, next to its
 * resolvers (`declare module '…/api/graphql/context.js' { interface ApiServices { … } }`), so the
 * plugin cannot start without it.
 */
export interface ApiServices {
  store: EventStore;
  readModels: ReadModelDb;
  pseudonymize: Pseudonymizer;
  clock: () => Date;
}

export interface ApiContext {
  principal: Principal | null;
  requestId: string;
  services: ApiServices;
}

declare module 'mercurius' {
  interface MercuriusContext extends ApiContext {}
}

/** The caller, who must hold one of `roles`. */
export function requireRole(ctx: ApiContext, ...roles: Role[]): Principal {
  const principal = ctx.principal;
  if (!principal) throw new AuthUnauthenticatedError('a bearer token is required');
  if (!roles.includes(principal.role)) {
    throw new AuthForbiddenError(`role ${principal.role} may not do this`, roles);
  }
  return principal;
}

/** The citizen pseudonym a citizen-portal token acts for. */
export function citizenOf(principal: Principal): string {
  if (!principal.citizen) throw new AuthForbiddenError('the token names no citizen the portal acts for');
  return principal.citizen;
}
