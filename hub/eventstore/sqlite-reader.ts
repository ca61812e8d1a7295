import type Database from 'better-sqlite3';
import { StreamNotFoundError } from '../kernel/errors/index.js';
import type { EventFilter, ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../kernel/event-store.js';

export interface EventRow {
  position: number;
  name: string;
  revision: number;
  event_id: Buffer;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

export interface StreamRow {
  stream_id: number;
  last_revision: number;
  deleted: number;
  truncate_before: number;
  max_count: number | null;
  max_age_seconds: number | null;
  metadata: string | null;
  metadata_revision: number;
}

export function uuidToBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

export function bytesToUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: bytesToUuid(row.event_id),
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    stream: row.name,
    revision: row.revision,
    position: row.position,
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}

const EVENT_COLUMNS =
  'e.position, s.name, e.revision, e.event_id, e.type, e.data, e.metadata, e.recorded_at FROM events e JOIN streams s ON s.stream_id = e.stream_id';
/**
 * A bound `LIMIT ?` arrives as a JS number (a REAL to SQLite) and made every read several times
 * slower (15 µs instead of 3 µs for one event); cast, it costs nothing.
 */
const LIMIT = 'LIMIT CAST(? AS INTEGER)';
const READ_BACKWARDS = `SELECT ${EVENT_COLUMNS} WHERE e.stream_id = ? AND e.revision <= ? AND e.revision >= ? AND e.recorded_at >= ? ORDER BY e.revision DESC ${LIMIT}`;
const READ_FORWARDS = `SELECT ${EVENT_COLUMNS} WHERE e.stream_id = ? AND e.revision >= ? AND e.revision >= ? AND e.recorded_at >= ? ORDER BY e.revision ${LIMIT}`;

/** Read queries over the store file. Statements are prepared once per query shape. */
export class SqliteReader {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  streamRow(name: string): StreamRow | undefined {
    return this.statement(
      'SELECT stream_id, last_revision, deleted, truncate_before, max_count, max_age_seconds, metadata, metadata_revision FROM streams WHERE name = ?',
    ).get(name) as StreamRow | undefined;
  }

  lastPosition(): number {
    const row = this.statement('SELECT max(position) AS p FROM events').get() as { p: number | null };
    return row.p ?? 0;
  }

  readStream(name: string, options: ReadStreamOptions = {}): RecordedEvent[] {
    const s = this.streamRow(name);
    if (!s || s.deleted || s.last_revision < 0) throw new StreamNotFoundError(name);
    const backwards = options.direction === 'backwards';
    const visibleFrom = Math.max(
      s.truncate_before,
      s.max_count != null ? s.last_revision + 1 - s.max_count : 0,
    );
    const minAge = s.max_age_seconds != null ? Date.now() - s.max_age_seconds * 1000 : 0;
    const from = options.fromRevision;
    let bound: number;
    if (from === undefined || from === 'start' || from === 'end') bound = backwards ? s.last_revision : 0;
    else bound = from;
    // Reading forwards past the head (a "has anything newer?" check) needs no scan.
    if (!backwards && bound > s.last_revision) return [];
    const limit = options.maxCount ?? -1;
    const rows = this.statement(backwards ? READ_BACKWARDS : READ_FORWARDS).all(
      s.stream_id,
      bound,
      visibleFrom,
      minAge,
      limit,
    ) as EventRow[];
    return rows.map(toRecorded);
  }

  /** Rows of the global log; `upTo` bounds the scan so filtered reads never rescan the same range. */
  readAllRows(options: ReadAllOptions & { upTo?: number }): EventRow[] {
    const backwards = options.direction === 'backwards';
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.fromPosition !== undefined) {
      where.push(backwards ? 'e.position < ?' : 'e.position > ?');
      params.push(options.fromPosition);
    }
    if (options.upTo !== undefined) {
      where.push('e.position <= ?');
      params.push(options.upTo);
    }
    appendFilter(options.filter, where, params);
    const sql = `SELECT ${EVENT_COLUMNS}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY e.position${
      backwards ? ' DESC' : ''
    } ${LIMIT}`;
    params.push(options.maxCount ?? -1);
    return this.statement(sql).all(...params) as EventRow[];
  }

  readAll(options: ReadAllOptions = {}): RecordedEvent[] {
    return this.readAllRows(options).map(toRecorded);
  }

  /** Events of a stream at revisions from..to (inclusive), ignoring retention. */
  streamRange(streamId: number, from: number, to: number): EventRow[] {
    return this.statement(
      `SELECT ${EVENT_COLUMNS} WHERE e.stream_id = ? AND e.revision BETWEEN ? AND ? ORDER BY e.revision`,
    ).all(streamId, from, to) as EventRow[];
  }

  streamCount(): number {
    return (
      this.statement('SELECT count(*) AS n FROM streams WHERE last_revision >= 0').get() as { n: number }
    ).n;
  }
}

function appendFilter(filter: EventFilter | undefined, where: string[], params: unknown[]): void {
  if (filter?.streamPrefixes?.length) {
    where.push(`(${filter.streamPrefixes.map(() => 'substr(s.name, 1, ?) = ?').join(' OR ')})`);
    for (const p of filter.streamPrefixes) params.push(p.length, p);
  }
  if (filter?.eventTypes?.length) {
    where.push(`e.type IN (${filter.eventTypes.map(() => '?').join(', ')})`);
    params.push(...filter.eventTypes);
  }
}
