import fs from 'node:fs';
import path from 'node:path';

/**
 * Makes commits durable without blocking the event loop. The store commits in WAL mode with
 * `synchronous = NORMAL`, so COMMIT writes the transaction's frames to the `-wal` file and returns
 * without fsync; this then flushes that file with `fdatasync` on libuv's thread pool, and a commit's
 * appends are acknowledged only when a flush that started after its COMMIT has completed — the
 * guarantee `synchronous = FULL` gives, minus the event loop standing still for every fsync.
 *
 * The WAL is written in order, so one flush covers every commit before it: the commits made while
 * a flush is in flight wait for the next one, which makes the flushes themselves a group commit.
 * Checkpoints keep their own fsyncs (SQLite syncs the WAL before it copies pages into the database).
 */
export class WalSync {
  private fd: number | undefined;
  private flushing = false;
  private waiting: ((error: Error | null) => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly databaseFile: string) {}

  /** Calls `done` once everything committed so far is on disk (with the error when it could not be). */
  afterCommit(done: (error: Error | null) => void): void {
    this.waiting.push(done);
    if (!this.flushing) this.flush();
  }

  /** Resolves when no commit is waiting for its flush. */
  idle(): Promise<void> {
    if (!this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.flushing = true;
    const finish = (error: Error | null) => {
      for (const done of batch) done(error);
      if (this.waiting.length > 0) this.flush();
      else {
        this.flushing = false;
        for (const w of this.idleWaiters.splice(0)) w();
      }
    };
    let fd: number;
    try {
      fd = this.walDescriptor();
    } catch (e) {
      finish(e as Error);
      return;
    }
    fs.fdatasync(fd, finish);
  }

  /**
   * A descriptor of the `-wal` file (fsync flushes the file, whichever descriptor wrote to it).
   * Opened once; opened again if SQLite ever removed the file it names. The directory is synced
   * when the file is first opened, so the file's own entry is durable too.
   */
  private walDescriptor(): number {
    if (this.fd !== undefined && fs.fstatSync(this.fd).nlink > 0) return this.fd;
    this.close();
    const wal = `${this.databaseFile}-wal`;
    this.fd = fs.openSync(wal, 'r');
    const dir = fs.openSync(path.dirname(path.resolve(wal)), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
    return this.fd;
  }
}
