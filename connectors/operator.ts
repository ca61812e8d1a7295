import { type AuthAgency, createAuthenticator, DEFAULT_AUDIENCE, type Principal } from '../hub/auth/index.js';
import { aggregateStream } from '../hub/kernel/decider/index.js';
import { AuthForbiddenError } from '../hub/kernel/errors/index.js';
import type { EventStore } from '../hub/kernel/event-store.js';
import {
  agencyDecider,
  agencyStream,
  ISSUER_PREFIX,
  issuerOf,
  ORGAN_CODE,
} from '../hub/modules/agencies/index.js';

/**
 * The agency a token's issuer names, read from its stream in the event log (the registry's source of
 * truth; the CLI does not depend on the hub's read models being current). Only the default issuer
 * form `urn:lienthong:agency:<organCode>` is resolved here.
 */
async function agencyFromLog(store: EventStore, issuer: string): Promise<AuthAgency | undefined> {
  if (!issuer.startsWith(ISSUER_PREFIX)) return undefined;
  const organCode = issuer.slice(ISSUER_PREFIX.length);
  if (!ORGAN_CODE.test(organCode)) return undefined;
  const { state, expectedRevision } = await aggregateStream(store, agencyStream(organCode), agencyDecider);
  if (state.status === 'unregistered' || issuerOf(state.agency) !== issuer) return undefined;
  const a = state.agency;
  return {
    organCode: a.organCode,
    issuer,
    roles: a.roles,
    keys: a.keys,
    validFrom: a.validFrom,
    ...(state.status === 'retired'
      ? { validUntil: state.retirement.validUntil }
      : a.validUntil
        ? { validUntil: a.validUntil }
        : {}),
    revision: expectedRevision === 'no_stream' ? -1 : Number(expectedRevision),
  };
}

/**
 * Proves the operator role on the command line: `token` is a bearer token (typ at+jwt) of an agency
 * registered for the `operator` role, verified exactly as the hub's API verifies agency tokens
 * (signature against the agency's registered keys, issuer, audience, expiry, role). Resolves to the
 * operator; throws AuthUnauthenticatedError or AuthForbiddenError.
 */
export async function verifyOperator(
  store: EventStore,
  token: string | undefined,
  now?: () => Date,
): Promise<Principal> {
  const authenticate = createAuthenticator({
    agencies: (issuer) => agencyFromLog(store, issuer),
    audience: DEFAULT_AUDIENCE,
    ...(now ? { now } : {}),
  });
  const principal = await authenticate(token ? `Bearer ${token}` : undefined);
  if (principal.role !== 'operator')
    throw new AuthForbiddenError('showing sealed fields needs the operator role', ['operator']);
  return principal;
}
