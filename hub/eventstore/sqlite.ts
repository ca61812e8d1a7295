import { isDeepStrictEqual } from 'node:util';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  EventIdConflictError,
  HubError,
  InvalidAppendError,
  InvalidStreamNameError,
  StorageFullError,
  StoreClosedError,
  StoreFileError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../errors.js';
import {
  type AppendOptions,
  type AppendOutcome,
  type AppendRequest,
  type AppendResult,
  type EventData,
  type EventStore,
  type ExpectedRevision,
  isValidStreamName,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoreInfo,
  type StoreObserver,
  type StreamMetadata,
  type StreamMetadataResult,
  type SubscribeOptions,
  type Subscription,
} from './event-store.js';
import { PollingSubscription } from './polling-subscription.js';
import { isCorrupt, isStorageFull, openStoreFile } from './sqlite-file.js';
import { type EventRow, SqliteReader, type StreamRow, toRecorded, uuidToBytes } from './sqlite-reader.js';

export interface SqliteStoreOptions {
  file: string;
  /** Size limit in bytes (SQLite max_page_count); appends past it fail with StorageFullError. */
  maxBytes?: number;
  logger: Logger;
  observer?: StoreObserver;
  /** Most events committed in one transaction by the group committer. */
  maxEventsPerCommit?: number;
}

interface PendingEvent {
  id: string;
  idBytes: Buffer;
  type: string;
  data: string;
  metadata: string;
}

type Outcome = { ok: AppendResult } | { error: unknown };

interface PendingAppend {
  stream: string;
  events: PendingEvent[];
  expected: ExpectedRevision;
  settle(outcome: Outcome): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGES = 4294967294;

function matches(expected: ExpectedRevision, current: number | 'no_stream'): boolean {
  if (expected === 'no_stream') return current === 'no_stream';
  if (expected === 'stream_exists') return current !== 'no_stream';
  return current === expected;
}

function prepareEvents(
  stream: string,
  events: readonly EventData[],
  expected: ExpectedRevision,
): PendingEvent[] {
  if (!isValidStreamName(stream)) throw new InvalidStreamNameError(stream);
  if (!isExpectedRevision(expected)) {
    throw new InvalidAppendError('expectedRevision must be no_stream, stream_exists or a revision >= 0');
  }
  if (!Array.isArray(events) || events.length === 0)
    throw new InvalidAppendError('an append needs at least one event');
  const seen = new Set<string>();
  return events.map((e, i) => {
    if (typeof e?.id !== 'string' || !UUID.test(e.id))
      throw new InvalidAppendError(`event ${i}: id must be a UUID`);
    if (typeof e.type !== 'string' || e.type.length === 0)
      throw new InvalidAppendError(`event ${i}: type is required`);
    const id = e.id.toLowerCase();
    if (seen.has(id)) throw new InvalidAppendError(`event ${i}: id ${id} appears twice in one append`);
    seen.add(id);
    const data = JSON.stringify(e.data);
    const metadata = JSON.stringify(e.metadata);
    if (data === undefined || metadata === undefined)
      throw new InvalidAppendError(`event ${i}: data and metadata must be JSON`);
    return { id, idBytes: uuidToBytes(id), type: e.type, data, metadata };
  });
}

/**
 * The embedded event store: one SQLite file (WAL, synchronous=FULL) and a single writer that
 * group-commits every append queued since the last commit in one transaction. Nobody is
 * acknowledged before that transaction is durable. Each append checks its expected revision and
 * idempotency before writing anything, so one append's conflict never affects the others in the
 * same commit; an error while writing (disk full, I/O) fails the whole commit.
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
  private readonly statements: {
    upsertStream: Database.Statement;
    insertEvent: Database.Statement;
  };

  constructor(options: SqliteStoreOptions) {
    this.file = options.file;
    this.db = openStoreFile(options.file);
    this.reader = new SqliteReader(this.db);
    this.log = options.logger.child({ module: 'eventstore', backend: 'sqlite' });
    this.observer = options.observer ?? {};
    this.maxEventsPerCommit = options.maxEventsPerCommit ?? 10_000;
    this.statements = {
      upsertStream: this.db.prepare(
        `INSERT INTO streams (name, last_revision) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET last_revision = excluded.last_revision, deleted = 0
         RETURNING stream_id`,
      ),
      insertEvent: this.db.prepare(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
    };
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
      for (const req of batch) outcomes.push(this.applyOne(req, now));
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const error = this.mapError(e);
      this.log.error(
        { err: { code: (error as HubError).code, message: (error as Error).message } },
        'commit failed',
      );
      for (const req of batch) {
        this.observer.failed?.((error as HubError).code ?? 'INTERNAL');
        req.settle({ error });
      }
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
  }

  /**
   * Checks (reads only) come first and may end the append with an error; the writes that follow
   * can fail only for the whole store (disk full, I/O), which rolls the whole commit back.
   */
  private applyOne(req: PendingAppend, now: number): Outcome {
    const row = this.reader.streamRow(req.stream);
    const current = row && !row.deleted && row.last_revision >= 0 ? row.last_revision : 'no_stream';
    const fits = matches(req.expected, current);
    // A stale expected revision may be a retry of an append that committed; so may a
    // stream_exists append whose events are the stream's tail.
    if (row && (!fits || req.expected === 'stream_exists')) {
      try {
        const retry = this.identicalRetry(req, row);
        if (retry) return { ok: retry };
      } catch (e) {
        if (e instanceof EventIdConflictError) return { error: e };
        throw e;
      }
    }
    if (!fits) return { error: new WrongExpectedRevisionError(req.stream, req.expected, current) };
    const base = row ? row.last_revision : -1;
    const last = base + req.events.length;
    const { stream_id } = this.statements.upsertStream.get(req.stream, last) as { stream_id: number };
    let position = 0;
    req.events.forEach((e, i) => {
      position = Number(
        this.statements.insertEvent.run(stream_id, base + 1 + i, e.idBytes, e.type, e.data, e.metadata, now)
          .lastInsertRowid,
      );
    });
    return { ok: { nextExpectedRevision: last, position, written: true } };
  }

  /**
   * Idempotency as in KurrentDB: a retry carries the expected revision of the original append, so
   * its events must stand exactly where that append put them (for stream_exists: at the tail).
   * Returns the original result for an identical retry, undefined when the ids are not there, and
   * throws EventIdConflictError when they are there with other content or only in part.
   */
  private identicalRetry(req: PendingAppend, row: StreamRow): AppendResult | undefined {
    const n = req.events.length;
    const expected = req.expected;
    const starts =
      expected === 'no_stream'
        ? [0, row.truncate_before]
        : expected === 'stream_exists'
          ? [row.last_revision - n + 1]
          : [expected + 1];
    for (const start of new Set(starts)) {
      if (start < 0) continue;
      const stored = this.reader.streamRange(row.stream_id, start, start + n - 1);
      const same = req.events.filter((e, i) => stored[i]?.event_id.equals(e.idBytes)).length;
      if (same === 0) continue;
      req.events.forEach((e, i) => {
        const s = stored[i];
        const conflict = (reason: string) => new EventIdConflictError(e.id, req.stream, reason);
        if (!s?.event_id.equals(e.idBytes)) throw conflict('its append was stored with other events');
        if (s.type !== e.type || !sameJson(s.data, e.data) || !sameJson(s.metadata, e.metadata)) {
          throw conflict('already used with different content');
        }
      });
      const last = stored[n - 1] as EventRow;
      return { nextExpectedRevision: last.revision, position: last.position, written: false };
    }
    return undefined;
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
        head: () => this.reader.lastPosition(),
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
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      for (const w of this.commitWaiters) w();
      this.db.close();
      this.log.debug('closed');
    })();
    return this.closedDone;
  }
}

function isExpectedRevision(v: unknown): v is ExpectedRevision {
  return v === 'no_stream' || v === 'stream_exists' || (Number.isSafeInteger(v) && (v as number) >= 0);
}

function sameJson(stored: string, proposed: string): boolean {
  return stored === proposed || isDeepStrictEqual(JSON.parse(stored), JSON.parse(proposed));
}

export async function openSqliteEventStore(options: SqliteStoreOptions): Promise<SqliteEventStore> {
  return new SqliteEventStore(options);
}
