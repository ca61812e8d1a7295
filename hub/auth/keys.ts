import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { AuthUnauthenticatedError } from '../kernel/errors/index.js';
import type { AgencyKeys } from '../modules/agencies/index.js';

export interface RemoteJwksOptions {
  /** Per fetch. Default 3000 ms. */
  timeoutMs?: number;
  /** Minimum time between refetches (e.g. on an unknown kid). Default 30 s. */
  cooldownMs?: number;
  /** How long a fetched set is used before refetching. Default 10 min. */
  cacheMaxAgeMs?: number;
}

/** True when `url` is under one of the allowlisted URL prefixes (same origin, path prefix). */
export function isAllowedJwksUrl(url: string, allowlist: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.username || target.password) return false;
  return allowlist.some((entry) => {
    const allowed = new URL(entry);
    return allowed.origin === target.origin && target.pathname.startsWith(allowed.pathname);
  });
}

/** Key sets per agency, rebuilt when the agency's registration revision changes. */
export function createKeySets(allowlist: readonly string[], remote: RemoteJwksOptions = {}) {
  const local = new Map<string, { revision: number; keySet: JWTVerifyGetKey }>();
  const remoteSets = new Map<string, JWTVerifyGetKey>();
  return (agency: { organCode: string; revision: number; keys: AgencyKeys }): JWTVerifyGetKey => {
    const { keys } = agency;
    if ('jwks' in keys) {
      const cached = local.get(agency.organCode);
      if (cached?.revision === agency.revision) return cached.keySet;
      const keySet = createLocalJWKSet(keys.jwks);
      local.set(agency.organCode, { revision: agency.revision, keySet });
      return keySet;
    }
    if (!isAllowedJwksUrl(keys.jwksUrl, allowlist)) {
      throw new AuthUnauthenticatedError('the agency key URL is not allowlisted', 'invalid_token');
    }
    let keySet = remoteSets.get(keys.jwksUrl);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(keys.jwksUrl), {
        timeoutDuration: remote.timeoutMs ?? 3000,
        cooldownDuration: remote.cooldownMs ?? 30_000,
        cacheMaxAge: remote.cacheMaxAgeMs ?? 600_000,
      });
      remoteSets.set(keys.jwksUrl, keySet);
    }
    return keySet;
  };
}
