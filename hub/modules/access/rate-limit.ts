import { RateLimitedError } from '../../kernel/errors/index.js';
import type { ContractView } from '../contracts/index.js';

/** Fixed-window request counting per contract (and consumer), as the contract's `rateLimit` says. */
export class ContractRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  take(contract: ContractView): void {
    const { requests, perSeconds } = contract.rateLimit;
    const key = `${contract.contractId}\u0000${contract.consumer}`;
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= perSeconds * 1000) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= requests) {
      throw new RateLimitedError(contract.contractId, Math.ceil((w.start + perSeconds * 1000 - t) / 1000));
    }
    w.count++;
  }
}
