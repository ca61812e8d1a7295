import { createHash } from 'node:crypto';
import { AccessLogInputError } from '../../kernel/errors/index.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type { AccessLogFilter } from './filter.js';
import { type EntryRow, FILTER_COLUMNS, type FilterColumn } from './projection.js';

/** Page sizes: the default and the largest. */
export const PAGE = { default: 100, max: 1000 } as const;

/** Where a page ends: the sort key of its last entry. */
export interface Position {
  atMs: number;
  seq: number;
}

/** A page of entries, newest first, and the cursor of the next one (null on the last page). */
export interface EntryPage {
  rows: EntryRow[];
  nextCursor: string | null;
}

/** The page size asked for, checked (`first`). */
export function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return PAGE.default;
  if (!Number.isInteger(first) || first < 1 || first > PAGE.max) {
    throw new AccessLogInputError('first', `must be a whole number from 1 to ${PAGE.max}`);
  }
  return first;
}

/**
 * Cursors are opaque: base64url of the last entry's time and position and a tag of the filter (or
 * list) they were handed out for, so a cursor used with another filter is refused rather than
 * silently paging something else.
 */
export const encodeCursor = (p: Position, tag: string) =>
  Buffer.from(`${p.atMs}.${p.seq}.${tag}`).toString('base64url');

export function decodeCursor(cursor: string, tag: string, field = 'after'): Position {
  const parts = /^(-?\d{1,16})\.(\d{1,16})\.([0-9a-f]{12})$/.exec(
    Buffer.from(cursor, 'base64url').toString('latin1'),
  );
  if (!parts || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw new AccessLogInputError(field, 'is not a cursor of the access log');
  if (parts[3] !== tag) throw new AccessLogInputError(field, 'is a cursor of another filter');
  return { atMs: Number(parts[1]), seq: Number(parts[2]) };
}

/** A short tag of a filter (or of a list such as one citizen's data use) for its cursors. */
export const tagOf = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);

/**
 * Reads the `access-log` read model: filtered pages newest first by keyset (the entry's time, then
 * its position), totals, and a filtered slice up to a position in chunks (the export).
 *
 * A page is one walk down an index `(column, at_ms, seq)`: the column is the filter's equality
 * with the fewest entries (from `access_log_counts`), the time range bounds the walk, and the
 * other equalities are checked on the rows met. With no equality, the walk is down `(at_ms, seq)`.
 */
export class AccessLogQueries {
  constructor(private readonly db: ReadModelDb) {}

  /** One page of entries matching `filter`, newest first, after `after` (a position, exclusive). */
  page(filter: AccessLogFilter, first: number, after: Position | null, upToSeq?: number): EntryRow[] {
    const { sql, params } = this.select(filter, after, upToSeq);
    const statement = prepared<Record<string, unknown>, EntryRow>(
      this.db,
      `SELECT * ${sql} ORDER BY at_ms DESC, seq DESC LIMIT @limit`,
    );
    return statement.all({ ...params, limit: first });
  }

  /** A page with the cursor of the next one (`tag` binds cursors to the filter). */
  search(filter: AccessLogFilter, first: number, after: string | null | undefined): EntryPage {
    const tag = tagOf(filter);
    const position = after === undefined || after === null ? null : decodeCursor(after, tag);
    const rows = this.page(filter, first + 1, position);
    const more = rows.length > first;
    if (more) rows.length = first;
    const last = rows.at(-1);
    return { rows, nextCursor: more && last ? encodeCursor({ atMs: last.at_ms, seq: last.seq }, tag) : null };
  }

  /** How many entries match `filter` (up to `upToSeq`, a position, when given). */
  total(filter: AccessLogFilter, upToSeq?: number): number {
    const columns = Object.keys(filter.equals) as FilterColumn[];
    if (upToSeq === undefined && filter.fromMs === null && filter.toMs === null && columns.length <= 1) {
      const [column] = columns;
      return this.counted(column ?? '', column ? filter.equals[column]! : '');
    }
    const { sql, params } = this.select(filter, null, upToSeq);
    return prepared<Record<string, unknown>, { n: number }>(this.db, `SELECT COUNT(*) AS n ${sql}`).get(
      params,
    )!.n;
  }

  /** The position of the newest entry (0 when the log is empty): an export's upper bound. */
  head(): number {
    return (
      prepared<[], { seq: number | null }>(this.db, 'SELECT MAX(seq) AS seq FROM access_log').get()!.seq ?? 0
    );
  }

  /**
   * Every entry matching `filter` at or below position `upToSeq`, newest first, in chunks of
   * `chunk` rows, each read synchronously (the read-model connection is never held across a turn).
   */
  *slice(filter: AccessLogFilter, upToSeq: number, chunk = 1000): Generator<EntryRow[]> {
    let after: Position | null = null;
    for (;;) {
      const rows = this.page(filter, chunk, after, upToSeq);
      if (rows.length > 0) yield rows;
      if (rows.length < chunk) return;
      const last = rows.at(-1)!;
      after = { atMs: last.at_ms, seq: last.seq };
    }
  }

  /** One entry by its event id. */
  entry(id: string): EntryRow | undefined {
    return prepared<[string], EntryRow>(this.db, 'SELECT * FROM access_log WHERE id = ?').get(id);
  }

  /** The FROM … WHERE part of a filtered read, and its parameters. */
  private select(filter: AccessLogFilter, after: Position | null, upToSeq?: number) {
    const columns = FILTER_COLUMNS.filter((c) => filter.equals[c] !== undefined);
    const where: string[] = columns.map((c) => `${c} = @${c}`);
    const params: Record<string, string | number> = { ...filter.equals };
    if (filter.fromMs !== null) {
      where.push('at_ms >= @fromMs');
      params.fromMs = filter.fromMs;
    }
    if (filter.toMs !== null) {
      where.push('at_ms < @toMs');
      params.toMs = filter.toMs;
    }
    if (after) {
      where.push('(at_ms, seq) < (@afterAt, @afterSeq)');
      params.afterAt = after.atMs;
      params.afterSeq = after.seq;
    }
    if (upToSeq !== undefined) {
      where.push('seq <= @upToSeq');
      params.upToSeq = upToSeq;
    }
    const index = this.indexFor(filter, columns);
    const sql = `FROM access_log INDEXED BY ${index}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return { sql, params };
  }

  /** The index to walk: that of the equality with the fewest entries, or the time index. */
  private indexFor(filter: AccessLogFilter, columns: readonly FilterColumn[]): string {
    let best: { column: FilterColumn; n: number } | undefined;
    for (const column of columns) {
      const n = this.counted(column, filter.equals[column]!);
      if (!best || n < best.n) best = { column, n };
    }
    return best ? `access_log_${best.column}` : 'access_log_time';
  }

  /** Entries with `value` in column `dim` ('' and '': every entry). */
  private counted(dim: string, value: string): number {
    const sql = 'SELECT n FROM access_log_counts WHERE dim = ? AND value = ?';
    return prepared<[string, string], { n: number }>(this.db, sql).get(dim, value)?.n ?? 0;
  }
}
