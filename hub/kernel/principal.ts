import type { Role } from './vocabulary.js';

export { type Role, roles } from './vocabulary.js';

/**
 * Who is calling, established from a verified bearer token. Carried on `request.principal`
 * (fastify) and in the GraphQL context; recorded as the actor of every event the call causes.
 */
export interface Principal {
  /** Organ code of the calling agency (Decision 20/2020/QĐ-TTg form, e.g. `000.00.01.H01`). */
  agency: string;
  role: Role;
  /** Staff id of the acting official (never a citizen's ID number). */
  official: string;
  /** For the citizen-portal role: keyed pseudonym of the authenticated citizen the portal acts for. */
  citizen?: string;
  /** The token's `jti`, for tracing. */
  tokenId: string;
  /** Token expiry (epoch seconds). */
  expiresAt: number;
}
