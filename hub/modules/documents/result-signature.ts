import {
  base64url,
  CompactSign,
  type CryptoKey,
  compactVerify,
  createLocalJWKSet,
  errors,
  type JSONWebKeySet,
  type KeyObject,
} from 'jose';
import { compileSchema } from '../../kernel/documents.js';
import { ResultSignatureInvalidError } from '../../kernel/errors/index.js';
import { sha256Hex } from './blob-store.js';
import type { ResultType } from './events.js';

/** `typ` of a signed result's protected header: never taken for a token (`at+jwt`) or a receipt. */
export const RESULT_JWS_TYPE = 'lienthong-result+jws';

/** The algorithms agencies sign with (their token keys: ES256 or EdDSA); nothing else verifies. */
export const RESULT_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type ResultAlgorithm = (typeof RESULT_ALGORITHMS)[number];

/** What the issuing agency signs (schemas/result-claims.schema.json). */
export interface ResultClaims {
  /** SHA-256 (lowercase hex) of the result's content. */
  contentHash: string;
  resultType: ResultType;
  dossier: string;
  /** Organ code of the issuing agency. */
  issuer: string;
  /** Keyed pseudonym of the citizen. */
  subject: string;
  issuedAt: string;
  /** End of validity (exclusive), or null / absent when it does not expire. */
  validUntil?: string | null;
}

/** A signed result that verified: its claims and the key that signed it. */
export interface VerifiedResult {
  claims: ResultClaims;
  kid: string;
  alg: ResultAlgorithm;
}

/** The claims of a result over `content` (its hash computed here), in the order they are signed. */
export function resultClaims(
  input: Omit<ResultClaims, 'contentHash'> & { content: Uint8Array },
): ResultClaims {
  const { content, ...rest } = input;
  return {
    contentHash: sha256Hex(content),
    resultType: rest.resultType,
    dossier: rest.dossier,
    issuer: rest.issuer,
    subject: rest.subject,
    issuedAt: rest.issuedAt,
    ...(rest.validUntil === undefined ? {} : { validUntil: rest.validUntil }),
  };
}

/**
 * Signs result claims as a compact JWS: what the issuing agency's own system does with its private
 * key (the hub never holds one; the demo and the tests sign with the demo agencies' keys).
 */
export function signResult(
  claims: ResultClaims,
  key: { privateKey: CryptoKey | KeyObject; kid: string; alg: ResultAlgorithm },
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: RESULT_JWS_TYPE })
    .sign(key.privateKey);
}

const MAX_JWS_LENGTH = 8192;
const validateClaims = compileSchema('result-claims.schema.json');

/**
 * The issuer a JWS claims, read without verifying it: only to find whose keys verify it. Throws
 * DOCUMENT_RESULT_SIGNATURE_INVALID when the JWS cannot be read at all.
 */
export function claimedIssuer(jws: string): string {
  const parts = jws.split('.');
  if (jws.length > MAX_JWS_LENGTH || parts.length !== 3) {
    throw new ResultSignatureInvalidError(`not a compact JWS of at most ${MAX_JWS_LENGTH} characters`);
  }
  try {
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(parts[1]!))) as { issuer?: unknown };
    if (typeof payload.issuer === 'string' && payload.issuer.length > 0) return payload.issuer;
  } catch {
    // reported below
  }
  throw new ResultSignatureInvalidError('the payload names no issuer');
}

const JOSE_REASONS: Record<string, string> = {
  ERR_JWS_INVALID: 'malformed JWS',
  ERR_JOSE_ALG_NOT_ALLOWED: `algorithm not accepted (only ${RESULT_ALGORITHMS.join(', ')})`,
  ERR_JWKS_NO_MATCHING_KEY: 'no registered key of the issuer matches the kid',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'several registered keys match: the kid must name one',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature does not match the content',
  ERR_JOSE_NOT_SUPPORTED: 'unsupported header or key',
  ERR_JWKS_INVALID: 'the issuer’s key set is malformed',
  ERR_JWK_INVALID: 'the issuer’s key is malformed',
};

/**
 * Verifies a signed result against the issuer's public keys (`keysOf(issuer)`, a JWKS): the
 * protected header must name `typ: lienthong-result+jws`, an accepted algorithm and a `kid`; the
 * signature must verify under that registered key; the payload must be the claims and nothing else.
 * Anything else is DOCUMENT_RESULT_SIGNATURE_INVALID with the reason.
 */
export async function verifyResultSignature(
  jws: string,
  keysOf: (issuer: string) => JSONWebKeySet,
): Promise<VerifiedResult> {
  const issuer = claimedIssuer(jws);
  const keySet = createLocalJWKSet(keysOf(issuer));
  let verified: Awaited<ReturnType<typeof compactVerify>>;
  try {
    verified = await compactVerify(jws, keySet, { algorithms: [...RESULT_ALGORITHMS] });
  } catch (error) {
    if (error instanceof errors.JOSEError) {
      throw new ResultSignatureInvalidError(JOSE_REASONS[error.code] ?? error.code);
    }
    throw error;
  }
  const header = verified.protectedHeader;
  if (header.typ !== RESULT_JWS_TYPE) throw new ResultSignatureInvalidError(`typ must be ${RESULT_JWS_TYPE}`);
  if (!header.kid) throw new ResultSignatureInvalidError('the protected header names no kid');
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch {
    throw new ResultSignatureInvalidError('the payload is not JSON');
  }
  const issue = claimsIssue(claims);
  if (issue) throw new ResultSignatureInvalidError(`claims ${issue.path} ${issue.message}`);
  return { claims: claims as ResultClaims, kid: header.kid, alg: header.alg as ResultAlgorithm };
}

/**
 * The first way `claims` is not a result's claims (schemas/result-claims.schema.json, and a
 * validity ending after the issue), as a JSON pointer and a message; undefined when they are.
 */
export function claimsIssue(claims: unknown): { path: string; message: string } | undefined {
  if (!validateClaims(claims)) {
    const first = validateClaims.errors![0]!;
    const extra = (first.params as { additionalProperty?: string }).additionalProperty;
    return {
      path: extra ? `${first.instancePath}/${extra}` : first.instancePath || '/',
      message: extra ? 'is not allowed' : (first.message ?? first.keyword),
    };
  }
  const c = claims as ResultClaims;
  if (c.validUntil && Date.parse(c.validUntil) <= Date.parse(c.issuedAt)) {
    return { path: '/validUntil', message: 'must be after issuedAt' };
  }
  return undefined;
}
