import type { Principal } from './principal.js';

export interface CachedToken {
  principal: Principal;
  /** Revision of the issuing agency when the token was verified; a change (key rotation, roles) voids it. */
  agencyRevision: number;
  /** The verified `iss`: a cached token needs no decoding to find its agency. */
  issuer: string;
}

/**
 * Verified tokens by SHA-256 of the token, kept until they expire. Bounded: when full, expired entries
 * go first, then the oldest. Holds no token text.
 */
export class TokenCache {
  readonly #entries = new Map<string, CachedToken>();
  constructor(readonly maxEntries: number) {}

  get(key: string, nowSec: number): CachedToken | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.principal.expiresAt <= nowSec) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, entry: CachedToken, nowSec: number): void {
    if (this.maxEntries <= 0) return;
    if (this.#entries.size >= this.maxEntries) {
      for (const [k, v] of this.#entries) if (v.principal.expiresAt <= nowSec) this.#entries.delete(k);
    }
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, entry);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size() {
    return this.#entries.size;
  }
}
