import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.js';
import { moduleLogger } from '../../kernel/logger.js';
import type { AuditService } from './service.js';

export interface CheckpointWorkerOptions {
  /** Sign once this many entries wait for a checkpoint. */
  everyEntries: number;
  /** Sign once the oldest entry not yet covered has waited this long (ms). */
  maxWaitMs: number;
  clock: Clock;
  logger: Logger;
}

/**
 * Decides when the hub signs a checkpoint on its own: when `everyEntries` entries are not covered
 * yet, or when the first of them has waited `maxWaitMs` — whichever comes first; nothing when no
 * entry is new. `tick()` looks once (the timer calls it; tests call it with a moved clock).
 */
export class CheckpointWorker {
  private waitingSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    private readonly service: AuditService,
    private readonly options: CheckpointWorkerOptions,
  ) {
    this.log = moduleLogger(options.logger, 'audit-checkpointer');
  }

  /** Signs a checkpoint when one is due; resolves with whether it did. */
  async tick(): Promise<boolean> {
    const waiting = this.service.model.size() - (this.service.latest()?.size ?? 0);
    if (waiting <= 0) {
      this.waitingSince = null;
      return false;
    }
    const now = this.options.clock().getTime();
    this.waitingSince ??= now;
    if (waiting < this.options.everyEntries && now - this.waitingSince < this.options.maxWaitMs) return false;
    const { signed, checkpoint } = await this.service.checkpoint();
    this.waitingSince = null;
    if (signed) this.log.info({ size: checkpoint?.size }, 'audit checkpoint signed');
    return signed;
  }

  /** Looks every `everyMs` (at most a second, so `everyEntries` is honoured promptly). */
  start(everyMs: number): void {
    if (this.timer) return;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.running = this.tick()
        .catch((error: Error & { code?: string }) =>
          this.log.error({ err: { message: error.message, code: error.code } }, 'audit checkpoint failed'),
        )
        .finally(() => {
          busy = false;
        });
    }, everyMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a checkpoint being signed. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
