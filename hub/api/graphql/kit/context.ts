import type { Logger } from 'pino';
import type { EventValidator } from '../../../events/validator.js';
import { AuthForbiddenError, AuthUnauthenticatedError } from '../../../kernel/errors/index.js';
import type { EventStore } from '../../../kernel/event-store.js';
import type { Principal, Role } from '../../../kernel/principal.js';
import type { ReadModelDb } from '../../../kernel/read-model.js';
import type { SubjectKeyStore } from '../../../privacy/key-store.js';
import type { Pseudonymizer } from '../../../privacy/pseudonym.js';

/**
 * What resolvers use; built once per app (`graphqlApiPlugin`), shared by every request. A module
 * whose resolvers need a service of its own adds it here by declaration merging, next to its
 * resolvers (`declare module '…/api/graphql/context.js' { interface ApiServices { … } }`), and
 * provides it from its plugin (`host.services.provide(name, service)`).
 */
export interface ApiServices {
  store: EventStore;
  readModels: ReadModelDb;
  pseudonymize: Pseudonymizer;
  clock: () => Date;
}

/** The GraphQL services as a module's plugin sees them while the modules are registered. */
export interface ApiServiceRegistry {
  /** Adds a service to every request's context; a name provided twice stops the hub (`MODULE_CONFLICT`). */
  provide<K extends keyof ApiServices>(name: K, service: ApiServices[K]): void;
  /**
   * A service the API or a module earlier in the list provided; `MODULE_SERVICE_MISSING` when
   * none did.
   */
  get<K extends keyof ApiServices>(name: K): ApiServices[K];
  /** Whether the API or a module earlier in the list provided `name` (for services a module can do without). */
  has(name: keyof ApiServices): boolean;
}

declare module '../../../kernel/module.js' {
  interface ModuleHost {
    /** The one subject key store of the process (crypto-shredding). */
    keys: SubjectKeyStore;
    pseudonymize: Pseudonymizer;
    /** The compiled event schemas the store validates with (limits on what callers may send). */
    eventSchemas: EventValidator;
    /** The API's logger (`module: 'graphql'`). */
    log: Logger;
    services: ApiServiceRegistry;
  }
}

export interface ApiContext {
  principal: Principal | null;
  requestId: string;
  services: ApiServices;
  /**
   * Subscriptions only: verifies the connection's token again (expiry, the agency's registration
   * and roles) and returns the caller as it stands now, so that each event is authorised.
   */
  reauthenticate?: () => Promise<Principal>;
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

/**
 * The caller as it stands now: over a subscription, its token verified again (it may have expired,
 * its agency been retired or its role withdrawn since the connection opened); otherwise the
 * request's caller.
 */
export async function currentPrincipal(ctx: ApiContext): Promise<Principal> {
  if (ctx.reauthenticate) return ctx.reauthenticate();
  if (!ctx.principal) throw new AuthUnauthenticatedError('a bearer token is required');
  return ctx.principal;
}

/** The citizen pseudonym a citizen-portal token acts for. */
export function citizenOf(principal: Principal): string {
  if (!principal.citizen) throw new AuthForbiddenError('the token names no citizen the portal acts for');
  return principal.citizen;
}
