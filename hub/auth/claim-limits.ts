import { maxLengthOf } from '../events/limits.js';
import type { EventValidator } from '../events/validator.js';

/** Longest `sub` and `jti` a token may carry: what the events that record the caller hold. */
export interface ClaimLimits {
  /** `sub`, the acting official. */
  official: number;
  /** `jti`, the token id. */
  tokenId: number;
}

/** Where a verified caller's `sub` and `jti` end up; the tightest of their schema limits applies. */
const RECORDED_AS = {
  official: [
    ['DataAccessed', 'caller.official'],
    ['DataAccessDenied', 'caller.official'],
    ['ConsentGranted', 'collectedBy.official'],
  ],
  tokenId: [
    ['DataAccessed', 'caller.tokenId'],
    ['DataAccessDenied', 'caller.tokenId'],
  ],
} as const;

/** Reads the claim limits from the compiled event schemas (the one place they are declared). */
export function claimLimitsFrom(schemas: EventValidator): ClaimLimits {
  const tightest = (fields: readonly (readonly [string, string])[]) =>
    Math.min(...fields.map(([type, path]) => maxLengthOf(schemas, type, path)));
  return { official: tightest(RECORDED_AS.official), tokenId: tightest(RECORDED_AS.tokenId) };
}
