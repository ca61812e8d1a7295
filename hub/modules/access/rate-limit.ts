import { RateLimitedError } from '../../kernel/errors/index.js';

/** At most `requests` per `perSeconds` (a contract's `rateLimit`). */
export interface RateLimit {
  requests: number;
  perSeconds: number;
}

/**
 * Fixed-window request counting per bucket: a contract and its consumer for requests decided under a
 * contract, the calling agency for requests refused before any contract applied. Windows that ended
 * are dropped as new ones open, so the map holds only callers active in the last window.
 */
export class AccessRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number; ms: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request against `bucket`; throws RateLimitedError (naming `contractId`) when it is used up. */
  take(bucket: string, limit: RateLimit, contractId: string | null): void {
    const t = this.now();
    const ms = limit.perSeconds * 1000;
    let w = this.windows.get(bucket);
    if (!w || t - w.start >= ms) {
      this.windows.delete(bucket);
      if (this.windows.size >= 10_000) this.dropEnded(t);
      w = { start: t, count: 0, ms };
      this.windows.set(bucket, w);
    }
    if (w.count >= limit.requests) {
      throw new RateLimitedError(contractId, Math.max(1, Math.ceil((w.start + ms - t) / 1000)));
    }
    w.count++;
  }

  private dropEnded(t: number): void {
    for (const [bucket, w] of this.windows) if (t - w.start >= w.ms) this.windows.delete(bucket);
  }
}
