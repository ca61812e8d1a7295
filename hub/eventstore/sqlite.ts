import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  HubError,
  InvalidStreamNameError,
  StorageFullError,
  StoreClosedError,
  StoreFileError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import {
  type AppendOptions,
  type AppendOutcome,
  type AppendRequest,
  type AppendResult,
  type EventData,
  type EventStore,
  type ExpectedRevision,
  type FieldsPage,
  type FieldsQuery,
  isValidStreamName,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoreInfo,
  type StoreObserver,
  type StoreReaderSpec,
  type StreamMetadata,
  type StreamMetadataResult,
  type SubscribeOptions,
  type Subscription,
} from '../kernel/event-store.js';
import { moduleLogger } from '../kernel/logger.js';
import { PollingSubscription } from './polling-subscription.js';
import {
  AppendWriter,
  matches,
  type Outcome,
  type PendingAppend,
  type PendingEvent,
  prepareEvents,
} from './sqlite-append.js';
import { isCorrupt, isStorageFull, openStoreFile } from './sqlite-file.js';
import { type EventRow, SqliteReader, toRecorded } from './sqlite-reader.js';
import { WalSync } from './wal-sync.js';

export interface SqliteStoreOptions {
  file: string;
  /** Size limit in bytes (SQLite max_page_count); appends past it fail with StorageFullError. */
  maxBytes?: number;
  logger: Logger;
  observer?: StoreObserver;
  /** Most events committed in one transaction by the group committer. */
  maxEventsPerCommit?: number;
}

const MAX_PAGES = 4294967294;

/**
 * The embedded event store: one SQLite file in WAL mode and a single writer that group-commits
 * every append queued since the last commit in one transaction. Nobody is acknowledged before that
 * transaction is durable: the WAL is flushed off the event loop (`WalSync`) and the appends settle
 * when the flush completes. Each append checks its expected revision and idempotency before
 * writing anything, so one append's conflict never affects the others in the same commit; an error
 * while writing (disk full, I/O) fails the whole commit.
 *
 * A committed event is visible to reads of this connection before its flush completes (as in any
 * group commit), but subscriptions only deliver durable events, so read models never get ahead of
 * what a power loss would leave in the log.
 */
export class SqliteEventStore implements EventStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly reader: SqliteReader;
  private readonly log: Logger;
  private readonly observer: StoreObserver;
  private readonly maxEventsPerCommit: number;
  private queue: PendingAppend[] = [];
  private scheduled = false;
  private closing = false;
  private closedDone: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private commitWaiters = new Set<() => void>();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly writer: AppendWriter;
  private readonly walSync: WalSync;
  /** First position of each commit of this process still waiting for its flush, oldest first. */
  private readonly notDurable: number[] = [];

  constructor(options: SqliteStoreOptions) {
    this.file = options.file;
    this.db = openStoreFile(options.file);
    // COMMIT writes the WAL without fsync; WalSync flushes it before anyone is acknowledged.
    this.db.pragma('synchronous = NORMAL');
    this.walSync = new WalSync(options.file);
    this.reader = new SqliteReader(this.db);
    this.log = moduleLogger(options.logger, 'eventstore', { backend: 'sqlite' });
    this.observer = options.observer ?? {};
    this.maxEventsPerCommit = options.maxEventsPerCommit ?? 10_000;
    this.writer = new AppendWriter(this.db, this.reader);
    this.setSizeLimit(options.maxBytes);
  }

  /** Sets (or lifts, with undefined) the size limit: how the operator gives space back after StorageFullError. */
  setSizeLimit(maxBytes: number | undefined): void {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = maxBytes === undefined ? MAX_PAGES : Math.max(1, Math.floor(maxBytes / pageSize));
    this.db.pragma(`max_page_count = ${pages}`);
  }

  append(stream: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      this.enqueue(stream, events, options?.expectedRevision, (o) =>
        'ok' in o ? resolve(o.ok) : reject(o.error),
      );
      this.schedule();
    });
  }

  appendMany(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    if (this.closing) return Promise.reject(new StoreClosedError());
    if (requests.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const outcomes: AppendOutcome[] = new Array(requests.length);
      let left = requests.length;
      let failure: unknown;
      requests.forEach((r, i) => {
        this.enqueue(r.stream, r.events, r.expectedRevision, (o) => {
          if ('ok' in o) outcomes[i] = o.ok;
          else if (o.error instanceof HubError) outcomes[i] = o.error;
          else failure ??= o.error;
          if (--left > 0) return;
          if (failure === undefined) resolve(outcomes);
          else reject(failure);
        });
      });
      this.schedule();
    });
  }

  /** Validates one append and queues it for the next commit (or settles it at once when invalid). */
  private enqueue(
    stream: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    settle: (outcome: Outcome) => void,
  ): void {
    let prepared: PendingEvent[];
    try {
      prepared = prepareEvents(stream, events, expected);
    } catch (e) {
      this.observer.failed?.((e as HubError).code);
      settle({ error: e });
      return;
    }
    this.queue.push({ stream, events: prepared, expected, settle });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private takeBatch(): PendingAppend[] {
    let count = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || count + this.queue[n]!.events.length <= this.maxEventsPerCommit)
    ) {
      count += this.queue[n]!.events.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.takeBatch();
    if (this.queue.length > 0) this.schedule();
    if (batch.length > 0) this.commit(batch);
    if (this.queue.length === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private commit(batch: PendingAppend[]): void {
    const started = performance.now();
    const now = Date.now();
    const outcomes: Outcome[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const req of batch) outcomes.push(this.writer.apply(req, now));
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const error = this.mapError(e);
      this.log.error(
        { err: { code: (error as HubError).code, message: (error as Error).message } },
        'commit failed',
      );
      this.failAll(batch, error);
      return;
    }
    const first = firstWrittenPosition(batch, outcomes);
    if (first !== undefined) this.notDurable.push(first);
    this.walSync.afterCommit((error) => {
      if (first !== undefined) this.notDurable.shift();
      if (error) {
        this.failDurability(batch, error);
        return;
      }
      let events = 0;
      batch.forEach((req, i) => {
        const outcome = outcomes[i]!;
        if ('ok' in outcome) {
          if (outcome.ok.written) events += req.events.length;
        } else {
          this.observer.failed?.((outcome.error as HubError).code ?? 'INTERNAL');
        }
        req.settle(outcome);
      });
      this.observer.committed?.({
        appends: batch.length,
        events,
        seconds: (performance.now() - started) / 1000,
      });
      for (const w of this.commitWaiters) w();
      this.commitWaiters.clear();
    });
  }

  /**
   * The WAL could not be flushed: the commit is in the file but not known to be on disk, so nobody
   * is told it succeeded. A retry with the same event ids is an identical retry, not a duplicate.
   */
  private failDurability(batch: PendingAppend[], cause: Error): void {
    const error = new StoreUnavailableError(
      `the commit could not be made durable (${(cause as NodeJS.ErrnoException).code ?? cause.message}); retry`,
    );
    this.log.error(
      { err: { code: error.code, cause: (cause as NodeJS.ErrnoException).code } },
      'WAL flush failed',
    );
    this.failAll(batch, error);
  }

  /** Settles every append of a commit with the error that ended the whole commit. */
  private failAll(batch: PendingAppend[], error: unknown): void {
    for (const req of batch) {
      this.observer.failed?.((error as HubError).code ?? 'INTERNAL');
      req.settle({ error });
    }
  }

  private mapError(e: unknown): unknown {
    if (e instanceof HubError) return e;
    if (isStorageFull(e)) return new StorageFullError(this.file);
    if (isCorrupt(e)) return new StoreFileError(this.file, `damaged database (${(e as Error).message})`);
    if ((e as { code?: string }).code === 'SQLITE_BUSY') {
      return new StoreUnavailableError('the event store file is locked by another writer; retry');
    }
    return e;
  }

  private guard<T>(work: () => T): Promise<T> {
    if (this.closing) return Promise.reject(new StoreClosedError());
    try {
      return Promise.resolve(work());
    } catch (e) {
      return Promise.reject(this.mapError(e));
    }
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.guard(() => this.reader.readStream(stream, options));
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.guard(() => this.reader.readAll(options));
  }

  readFields(query: FieldsQuery): Promise<FieldsPage> {
    return this.guard(() => this.reader.readFields(query));
  }

  readerSpec(): StoreReaderSpec {
    return { backend: 'sqlite', file: this.file };
  }

  /** Raw rows of the log, for fast replays (projection rebuilds) that decode lazily. */
  readAllRows(options: ReadAllOptions & { upTo?: number }): EventRow[] {
    if (this.closing) throw new StoreClosedError();
    return this.reader.readAllRows(options);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const sub = new PollingSubscription(
      {
        readPage: (from, upTo, limit) =>
          this.reader
            .readAllRows({ fromPosition: from, upTo, maxCount: limit, filter: options.filter })
            .map(toRecorded),
        // Only durable events: a read model never records a position a power loss could take back.
        head: () => (this.notDurable.length > 0 ? this.notDurable[0]! - 1 : this.reader.lastPosition()),
        nextCommit: (ms) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ms);
            this.commitWaiters.add(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
      },
      options.fromPosition ?? 0,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(sub);
    return sub;
  }

  getStreamMetadata(stream: string): Promise<StreamMetadataResult> {
    return this.guard(() => {
      const row = this.reader.streamRow(stream);
      return {
        stream,
        metadata: row?.metadata ? (JSON.parse(row.metadata) as StreamMetadata) : {},
        metadataRevision: row?.metadata_revision ?? -1,
      };
    });
  }

  setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void> {
    return this.guard(() => {
      if (!isValidStreamName(stream)) throw new InvalidStreamNameError(stream);
      this.db
        .prepare(
          `INSERT INTO streams (name, truncate_before, max_count, max_age_seconds, metadata, metadata_revision)
           VALUES (?, ?, ?, ?, ?, 0)
           ON CONFLICT (name) DO UPDATE SET truncate_before = excluded.truncate_before, max_count = excluded.max_count,
             max_age_seconds = excluded.max_age_seconds, metadata = excluded.metadata,
             metadata_revision = streams.metadata_revision + 1`,
        )
        .run(
          stream,
          metadata.truncateBefore ?? 0,
          metadata.maxCount ?? null,
          metadata.maxAgeSeconds ?? null,
          JSON.stringify(metadata),
        );
    });
  }

  deleteStream(stream: string, options: AppendOptions): Promise<void> {
    return this.guard(() => {
      const row = this.reader.streamRow(stream);
      const current = row && !row.deleted && row.last_revision >= 0 ? row.last_revision : 'no_stream';
      if (!matches(options.expectedRevision, current) || current === 'no_stream') {
        throw new WrongExpectedRevisionError(stream, options.expectedRevision, current);
      }
      const metadata: StreamMetadata = {
        ...(row?.metadata ? JSON.parse(row.metadata) : {}),
        truncateBefore: current + 1,
      };
      this.db
        .prepare(
          `UPDATE streams SET deleted = 1, truncate_before = ?, metadata = ?, metadata_revision = metadata_revision + 1
           WHERE name = ?`,
        )
        .run(current + 1, JSON.stringify(metadata), stream);
    });
  }

  info(): Promise<StoreInfo & { streams: number; file: string }> {
    return this.guard(() => ({
      backend: 'sqlite' as const,
      lastPosition: this.reader.lastPosition(),
      streams: this.reader.streamCount(),
      file: this.file,
    }));
  }

  /**
   * Folds the WAL into the file and truncates it, through a connection of its own that waits for
   * readers (another process may hold the file open).
   */
  compact(): Promise<void> {
    return this.guard(() => {
      const db = new Database(this.file);
      try {
        db.pragma('busy_timeout = 5000');
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    });
  }

  /** Full `PRAGMA integrity_check`: ['ok'] when the file is sound. */
  integrityCheck(): string[] {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  close(): Promise<void> {
    this.closedDone ??= (async () => {
      this.closing = true;
      if (this.queue.length > 0 || this.scheduled) {
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      }
      await this.walSync.idle();
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      for (const w of this.commitWaiters) w();
      this.db.close();
      this.walSync.close();
      this.log.debug('closed');
    })();
    return this.closedDone;
  }
}

/** The position of the first event a commit wrote, if it wrote any. */
function firstWrittenPosition(batch: PendingAppend[], outcomes: Outcome[]): number | undefined {
  let first: number | undefined;
  outcomes.forEach((o, i) => {
    if (!('ok' in o) || !o.ok.written) return;
    const p = o.ok.position - batch[i]!.events.length + 1;
    if (first === undefined || p < first) first = p;
  });
  return first;
}

/**
 * A read-only connection to a store file for fields reads from another thread (`readerSpec`): it
 * sees the log as committed when each read begins, and never writes.
 */
export function openSqliteReader(file: string): {
  readFields(query: FieldsQuery): FieldsPage;
  close(): void;
} {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  const reader = new SqliteReader(db);
  return { readFields: (query) => reader.readFields(query), close: () => db.close() };
}

export async function openSqliteEventStore(options: SqliteStoreOptions): Promise<SqliteEventStore> {
  return new SqliteEventStore(options);
}
