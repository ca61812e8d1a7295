import type { JSONWebKeySet } from 'jose';
import {
  DocumentInputError,
  ResultContentMismatchError,
  ResultIssuerNotInForceError,
  ResultKeysUnavailableError,
} from '../../kernel/errors/index.js';
import { type Agency, isInForce, vietnamDate } from '../agencies/index.js';
import { sha256Hex } from './blob-store.js';
import type { ResultClaims } from './result-signature.js';

/** Results are not taken as issued more than this far in the hub's future (clock skew). */
const MAX_SKEW_MS = 5 * 60_000;

/** A registered agency by organ code (the `agencies` read model). */
export type FindAgency = (organCode: string) => Agency | undefined;

/**
 * The public keys an issuer registered, to verify its results with: DOCUMENT_RESULT_ISSUER_NOT_IN_FORCE
 * for an agency not registered, DOCUMENT_RESULT_KEYS_UNAVAILABLE for one that publishes its keys
 * only at a URL. A retired agency's keys still verify what it signed while in force.
 */
export const registeredKeys =
  (findAgency: FindAgency, today: string) =>
  (issuer: string): JSONWebKeySet => {
    const agency = findAgency(issuer);
    if (!agency) throw new ResultIssuerNotInForceError(issuer, false, today);
    if (!('jwks' in agency.keys)) throw new ResultKeysUnavailableError(issuer);
    return agency.keys.jwks;
  };

/**
 * What a verified result must also satisfy to be recorded: the content is the one signed
 * (DOCUMENT_RESULT_CONTENT_MISMATCH), it was not issued in the future, and its issuer was in force
 * on the day it was issued (DOCUMENT_RESULT_ISSUER_NOT_IN_FORCE).
 */
export function checkRecordable(
  claims: ResultClaims,
  content: Uint8Array,
  now: Date,
  findAgency: FindAgency,
): void {
  const actual = sha256Hex(content);
  if (actual !== claims.contentHash) throw new ResultContentMismatchError(claims.contentHash, actual);
  const issuedAt = new Date(claims.issuedAt);
  if (issuedAt.getTime() > now.getTime() + MAX_SKEW_MS) {
    throw new DocumentInputError('signature.issuedAt', 'is in the future');
  }
  const issuer = findAgency(claims.issuer);
  const day = vietnamDate(issuedAt);
  if (!issuer || !isInForce(issuer, day)) throw new ResultIssuerNotInForceError(claims.issuer, !!issuer, day);
}
