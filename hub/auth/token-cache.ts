import { LRUCache } from 'lru-cache';
import type { Principal } from '../kernel/principal.js';

export interface CachedToken {
  principal: Principal;
  /** Revision of the issuing agency when the token was verified; a change (key rotation, roles) voids it. */
  agencyRevision: number;
  /** The verified `iss`: a cached token needs no decoding to find its agency. */
  issuer: string;
}

/**
 * Verified tokens by SHA-256 of the token, kept until they expire. Bounded: when full, the least
 * recently used token goes (constant time, whatever the churn). Holds no token text.
 */
export class TokenCache {
  readonly #entries: LRUCache<string, CachedToken> | null;
  constructor(readonly maxEntries: number) {
    this.#entries = maxEntries > 0 ? new LRUCache({ max: maxEntries }) : null;
  }

  get(key: string, nowSec: number): CachedToken | undefined {
    const entry = this.#entries?.get(key);
    if (entry && entry.principal.expiresAt <= nowSec) {
      this.#entries!.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, entry: CachedToken, nowSec: number): void {
    if (entry.principal.expiresAt <= nowSec) return;
    this.#entries?.set(key, entry);
  }

  delete(key: string): void {
    this.#entries?.delete(key);
  }

  get size() {
    return this.#entries?.size ?? 0;
  }
}
