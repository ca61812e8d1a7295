import { hash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { createEventValidator } from '../events/validator.js';
import {
  AuthForbiddenError,
  AuthKeysUnavailableError,
  AuthUnauthenticatedError,
  ConfigError,
} from '../kernel/errors/index.js';
import { type Principal, type Role, roles } from '../kernel/principal.js';
import { type AgencyKeys, isInForce, vietnamDate } from '../modules/agencies/index.js';
import { type ClaimLimits, claimLimitsFrom } from './claim-limits.js';
import { createKeySets, type RemoteJwksOptions } from './keys.js';
import { TokenCache } from './token-cache.js';

/** What authentication needs to know about an agency (the `agencies` read model's `Agency` fits). */
export interface AuthAgency {
  organCode: string;
  issuer: string;
  roles: readonly Role[];
  keys: AgencyKeys;
  validFrom: string;
  validUntil?: string;
  revision: number;
}

/** Finds the agency whose registered issuer is `iss`. */
export type AgencyLookup = (issuer: string) => AuthAgency | undefined | Promise<AuthAgency | undefined>;

export interface AuthenticatorOptions {
  agencies: AgencyLookup;
  /** The hub's audience: tokens must name it in `aud`. */
  audience: string;
  /** URL prefixes agencies' `jwksUrl` must fall under. Default: none (inline JWKS only). */
  jwksUrlAllowlist?: readonly string[];
  /** Default 30 s. */
  clockToleranceSec?: number;
  /** Default 8 KiB. */
  maxTokenLength?: number;
  /** Longest accepted `exp - nbf`. Default 24 h. */
  maxLifetimeSec?: number;
  /** Verified tokens kept. Default 10,000. */
  cacheSize?: number;
  /** Turns the `citizen_pid` of citizen-portal tokens into a pseudonym; without it such tokens are refused. */
  pseudonymizeCitizen?: (personalId: string) => string;
  remoteJwks?: RemoteJwksOptions;
  /** Longest `sub` and `jti`. Default: read from the event schemas that record them (`claimLimitsFrom`). */
  claimLimits?: ClaimLimits;
  now?: () => Date;
}

/** Verifies an `Authorization` header value; resolves to the caller or throws a 401/403 HubError. */
export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

/** Algorithms accepted: ECDSA P-256 and Ed25519. Never `none`, never HMAC. */
export const ALGORITHMS = ['ES256', 'EdDSA'];
/** JOSE header `typ` of access tokens (RFC 9068). */
export const TOKEN_TYPE = 'at+jwt';
export const DEFAULT_AUDIENCE = 'urn:lienthong:hub';

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;
const PERSONAL_ID = /^[0-9]{12}$/;
const invalid = (reason: string) => new AuthUnauthenticatedError(reason, 'invalid_token');

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const maxLength = options.maxTokenLength ?? 8192;
  const tolerance = options.clockToleranceSec ?? 30;
  const maxLifetime = options.maxLifetimeSec ?? 86_400;
  const now = options.now ?? (() => new Date());
  const keySets = createKeySets(options.jwksUrlAllowlist ?? [], options.remoteJwks);
  const cache = new TokenCache(options.cacheSize ?? 10_000);
  const claimLimits = options.claimLimits ?? claimLimitsFrom(createEventValidator());

  const checkAgency = (agency: AuthAgency, role: Role, at: Date) => {
    if (!isInForce(agency, vietnamDate(at))) throw invalid('the issuing agency is not in force');
    if (!agency.roles.includes(role)) {
      throw new AuthForbiddenError(`agency ${agency.organCode} is not registered for role ${role}`, [role]);
    }
  };

  return async (authorization) => {
    if (authorization === undefined || authorization === '') {
      throw new AuthUnauthenticatedError('a bearer token is required');
    }
    if (authorization.length > maxLength + 7) throw invalid(`token longer than ${maxLength} characters`);
    const token = BEARER.exec(authorization)?.[1];
    if (!token)
      throw new AuthUnauthenticatedError('expected "Authorization: Bearer <jwt>"', 'invalid_request');

    const at = now();
    const nowSec = Math.floor(at.getTime() / 1000);
    // one-shot: a Hash object per request would cost more than the digest itself
    const key = hash('sha256', token, 'base64url');
    const cached = cache.get(key, nowSec);
    const agency = await options.agencies(cached?.issuer ?? issuerOf(token));
    if (!agency) throw invalid('unknown issuer');

    if (cached && cached.agencyRevision === agency.revision) {
      checkAgency(agency, cached.principal.role, at);
      return cached.principal;
    }
    if (cached) cache.delete(key);

    const payload = await verify(token, agency, at);
    const principal = toPrincipal(payload, agency);
    if (payload.exp! - payload.nbf! > maxLifetime) throw invalid(`token lifetime above ${maxLifetime} s`);
    checkAgency(agency, principal.role, at);
    cache.set(key, { principal, agencyRevision: agency.revision, issuer: agency.issuer }, nowSec);
    return principal;
  };

  async function verify(token: string, agency: AuthAgency, at: Date): Promise<JWTPayload> {
    const keys = agency.keys;
    if ('jwks' in keys && keys.jwks.keys.length > 1 && !kidOf(token)) {
      throw invalid('the token names no kid and the agency has several keys');
    }
    try {
      const { payload } = await jwtVerify(token, keySets(agency), {
        algorithms: ALGORITHMS,
        issuer: agency.issuer,
        audience: options.audience,
        typ: TOKEN_TYPE,
        clockTolerance: tolerance,
        currentDate: at,
        requiredClaims: ['exp', 'nbf', 'sub', 'jti'],
      });
      return payload;
    } catch (err) {
      throw mapJoseError(err, agency.organCode);
    }
  }

  function toPrincipal(payload: JWTPayload, agency: AuthAgency): Principal {
    const role = payload.role;
    if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) {
      throw invalid('missing or unknown role claim');
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw invalid('sub must name the acting official');
    }
    if ([...payload.sub].length > claimLimits.official) {
      throw invalid(`sub longer than ${claimLimits.official} characters`);
    }
    if (typeof payload.jti !== 'string') throw invalid('jti must be a string');
    if ([...payload.jti].length > claimLimits.tokenId) {
      throw invalid(`jti longer than ${claimLimits.tokenId} characters`);
    }
    const principal: Principal = {
      agency: agency.organCode,
      role: role as Role,
      official: payload.sub,
      tokenId: payload.jti,
      expiresAt: payload.exp!,
    };
    const pid = payload.citizen_pid;
    if (role !== 'citizen-portal') {
      if (pid !== undefined) throw invalid('citizen_pid is only accepted in citizen-portal tokens');
      return principal;
    }
    if (typeof pid !== 'string' || !PERSONAL_ID.test(pid)) {
      throw invalid('citizen-portal tokens need citizen_pid (12 digits)');
    }
    if (!options.pseudonymizeCitizen) {
      throw new ConfigError('pseudonymizeCitizen', 'needed to accept citizen-portal tokens');
    }
    return { ...principal, citizen: options.pseudonymizeCitizen(pid) };
  }
}

/** The `kid` of the token's protected header, if any (the token is well formed: `issuerOf` decoded it). */
function kidOf(token: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(token);
    return typeof kid === 'string' && kid !== '' ? kid : undefined;
  } catch {
    throw invalid('malformed token');
  }
}

/** The unverified `iss` of a token, to find the agency whose keys verify it. */
function issuerOf(token: string): string {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw invalid('malformed token');
  }
  if (typeof unverified.iss !== 'string') throw invalid('missing iss claim');
  return unverified.iss;
}

function mapJoseError(err: unknown, organCode: string): Error {
  if (err instanceof AuthUnauthenticatedError) return err;
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) {
    return new AuthKeysUnavailableError(organCode);
  }
  if (err instanceof TypeError && /fetch/i.test(err.message)) return new AuthKeysUnavailableError(organCode);
  if (err instanceof errors.JWTExpired) return invalid('token expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return invalid('token not yet valid');
    return invalid(`${err.claim} claim check failed`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return invalid('algorithm not allowed');
  if (err instanceof errors.JWKSNoMatchingKey) return invalid('no registered key matches the token kid');
  if (err instanceof errors.JWKSMultipleMatchingKeys) return invalid('token kid is ambiguous');
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid('signature verification failed');
  if (err instanceof errors.JOSEError) return invalid('malformed token');
  return err instanceof Error ? err : invalid('token could not be verified');
}
