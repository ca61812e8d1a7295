import type Database from 'better-sqlite3';
import type { Principal, Role } from '../../auth/principal.js';
import type { FindContracts, ReleaseService } from '../../domain/access/release.js';
import type { ConsentReadModel } from '../../domain/consent/projection.js';
import type { ConsentService } from '../../domain/consent/service.js';
import { AuthForbiddenError, AuthUnauthenticatedError } from '../../errors.js';
import type { EventStore } from '../../eventstore/event-store.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';

/** What resolvers use; built once per app, shared by every request. */
export interface ApiServices {
  store: EventStore;
  readModels: Database.Database;
  consents: ConsentService;
  consentModel: ConsentReadModel;
  release: ReleaseService;
  findContracts: FindContracts;
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
