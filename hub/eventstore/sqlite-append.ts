import { isDeepStrictEqual } from 'node:util';
import type Database from 'better-sqlite3';
import {
  EventIdConflictError,
  InvalidAppendError,
  InvalidStreamNameError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import {
  type AppendResult,
  type EventData,
  type ExpectedRevision,
  isValidStreamName,
} from '../kernel/event-store.js';
import { type EventRow, type SqliteReader, type StreamRow, uuidToBytes } from './sqlite-reader.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PendingEvent {
  id: string;
  idBytes: Buffer;
  type: string;
  data: string;
  metadata: string;
}

export type Outcome = { ok: AppendResult } | { error: unknown };

export interface PendingAppend {
  stream: string;
  events: PendingEvent[];
  expected: ExpectedRevision;
  settle(outcome: Outcome): void;
}

export function matches(expected: ExpectedRevision, current: number | 'no_stream'): boolean {
  if (expected === 'no_stream') return current === 'no_stream';
  if (expected === 'stream_exists') return current !== 'no_stream';
  return current === expected;
}

export function prepareEvents(
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

function isExpectedRevision(v: unknown): v is ExpectedRevision {
  return v === 'no_stream' || v === 'stream_exists' || (Number.isSafeInteger(v) && (v as number) >= 0);
}

function sameJson(stored: string, proposed: string): boolean {
  return stored === proposed || isDeepStrictEqual(JSON.parse(stored), JSON.parse(proposed));
}

/** One append inside the group commit's transaction: checks first, then the writes. */
export class AppendWriter {
  private readonly upsertStream: Database.Statement;
  private readonly insertEvent: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly reader: SqliteReader,
  ) {
    this.upsertStream = db.prepare(
      `INSERT INTO streams (name, last_revision) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET last_revision = excluded.last_revision, deleted = 0
       RETURNING stream_id`,
    );
    this.insertEvent = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /**
   * Checks (reads only) come first and may end the append with an error; the writes that follow
   * can fail only for the whole store (disk full, I/O), which rolls the whole commit back.
   */
  apply(req: PendingAppend, now: number): Outcome {
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
    const { stream_id } = this.upsertStream.get(req.stream, last) as { stream_id: number };
    let position = 0;
    req.events.forEach((e, i) => {
      position = Number(
        this.insertEvent.run(stream_id, base + 1 + i, e.idBytes, e.type, e.data, e.metadata, now)
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
}
