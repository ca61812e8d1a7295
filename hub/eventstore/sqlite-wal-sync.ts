import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { StoreFileError } from '../errors.js';

/** A committed batch waiting for the WAL sync that makes it durable. */
export interface Unsynced {
  /** First position the batch wrote (Infinity if it wrote none). */
  from: number;
  /** Acknowledges the batch, or fails it with the sync's error. */
  deliver(error?: unknown): void;
}

/**
 * Makes commits durable off the event loop: the store commits with synchronous=NORMAL (the WAL is
 * written, not synced), then queues the batch here. One fdatasync of the WAL runs at a time on the
 * libuv thread pool; every batch committed before it started is acknowledged when it completes,
 * and batches committed meanwhile share the next one.
 */
export class WalSync {
  private unsynced: Unsynced[] = [];
  private syncingRound: Unsynced[] = [];
  private syncing: Promise<void> | undefined;
  private fd: number | undefined;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  whenDurable(entry: Unsynced): void {
    this.unsynced.push(entry);
    this.syncing ??= this.rounds().finally(() => {
      this.syncing = undefined;
    });
  }

  /** `last` capped below the oldest event of this process whose sync has not completed. */
  durableHead(last: number): number {
    let pending = Number.POSITIVE_INFINITY;
    for (const u of this.syncingRound) pending = Math.min(pending, u.from);
    for (const u of this.unsynced) pending = Math.min(pending, u.from);
    return Math.min(last, pending - 1);
  }

  /** Waits for the syncs in progress, then releases the file. */
  async close(): Promise<void> {
    await this.syncing;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private async rounds(): Promise<void> {
    while (this.unsynced.length > 0) {
      this.syncingRound = this.unsynced;
      this.unsynced = [];
      let error: unknown;
      try {
        await this.sync();
      } catch (e) {
        error = new StoreFileError(this.file, `cannot sync the WAL (${(e as Error).message})`);
        this.log.error({ err: { message: (e as Error).message } }, 'WAL sync failed');
      }
      const round = this.syncingRound;
      this.syncingRound = [];
      for (const entry of round) entry.deliver(error);
    }
  }

  private sync(): Promise<void> {
    if (this.fd === undefined) {
      this.fd = fs.openSync(`${this.file}-wal`, 'r');
      // The WAL is new to its directory after the first commit: make its entry durable too.
      const dir = fs.openSync(path.dirname(path.resolve(this.file)), 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
    }
    const fd = this.fd;
    return new Promise((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
  }
}
