import { ConnectorConfigError, ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import type { ColumnInfo, RowCount, SourceRow } from '../kit/protocol.js';

export type Dialect = 'postgres' | 'mariadb' | 'sqlite';

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  /** Single columns with a UNIQUE constraint. */
  unique: string[];
  /** Indexed columns (first column of any index). */
  indexed: string[];
  /** Rows in the table, from the database's statistics or, when it has none, a bounded count. */
  estimatedRows: number;
  rowsFrom: RowCount['from'];
}

/** Where a discover stops counting the rows of a table that has no statistics. */
export const COUNT_BOUND = 100_000;

/** What the SQL connector needs from a database client. Errors are ConnectorSourceError. */
export interface SqlDriver {
  readonly dialect: Dialect;
  /** The source without credentials, e.g. `postgres://127.0.0.1:5432/population`. */
  readonly system: string;
  /** One query, answered within `queryTimeoutMs` or failed as TIMEOUT (the connection is then dropped). */
  query(sql: string, params?: unknown[]): Promise<SourceRow[]>;
  /**
   * Streams a query's rows in batches through a server-side cursor (no full result in memory). A
   * lost connection ends it with CONNECTION_LOST whenever the driver learns of it; `signal` aborting
   * drops the connection and ends it with the abort reason.
   */
  stream(sql: string, params: unknown[], batchSize: number, signal?: AbortSignal): AsyncIterable<SourceRow[]>;
  tables(only?: string[]): Promise<TableInfo[]>;
  /** The row count the database's statistics hold for a table; null when they have none (or say 0). */
  rowStatistics(table: string): Promise<number | null>;
  close(): Promise<void>;
}

/** How long a source may keep the connector waiting (the `connectTimeoutMs`, … configuration keys). */
export interface Liveness {
  /** Connecting: TCP, TLS and authentication. */
  connectTimeoutMs: number;
  /**
   * One query that is not a streamed read (metadata, counts, checks), enforced by the client and,
   * where the server can, by the server too (PostgreSQL `statement_timeout`, which also bounds each
   * batch fetch of a cursor; MariaDB `max_statement_time`, lifted for streamed reads).
   */
  queryTimeoutMs: number;
  /** TCP keep-alive: idle time before the first probe, so a silently dropped peer is noticed. */
  keepAliveMs: number;
}

export const DEFAULT_LIVENESS: Liveness = {
  connectTimeoutMs: 5000,
  queryTimeoutMs: 60_000,
  keepAliveMs: 30_000,
};

export interface SourceUrl {
  dialect: Dialect;
  url: string;
  system: string;
  /** SQLite file. */
  file?: string;
  database?: string;
}

export function parseSourceUrl(raw: string): SourceUrl {
  if (raw.startsWith('sqlite:')) {
    const file = raw.replace(/^sqlite:(\/\/)?/, '');
    if (!file) throw new ConnectorConfigError('url', [{ path: '/url', message: 'names no SQLite file' }]);
    return { dialect: 'sqlite', url: raw, system: `sqlite:${file}`, file };
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConnectorConfigError('url', [{ path: '/url', message: 'is not a URL' }]);
  }
  const scheme = u.protocol.replace(/:$/, '');
  const dialect: Dialect | undefined =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgres'
      : scheme === 'mysql' || scheme === 'mariadb'
        ? 'mariadb'
        : undefined;
  if (!dialect) {
    throw new ConnectorConfigError('url', [
      { path: '/url', message: `scheme ${scheme} is not postgres://, mysql://, mariadb:// or sqlite:` },
    ]);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const port = u.port || (dialect === 'postgres' ? '5432' : '3306');
  return { dialect, url: raw, system: `${scheme}://${u.hostname}:${port}/${database}`, database };
}

/** Quotes an identifier (optionally schema-qualified) for the dialect. */
export function quoteIdent(dialect: Dialect, name: string): string {
  const q = dialect === 'mariadb' ? '`' : '"';
  return name
    .split('.')
    .map((part) => `${q}${part.replaceAll(q, q + q)}${q}`)
    .join('.');
}

/** Node network errors that mean the server could not be reached. */
export function networkReason(e: unknown): 'UNREACHABLE' | 'TIMEOUT' | 'CONNECTION_LOST' | undefined {
  const code = (e as { code?: string })?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return 'UNREACHABLE';
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') return 'TIMEOUT';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'CONNECTION_LOST';
  return undefined;
}

export function sourceError(
  system: string,
  reason: ConstructorParameters<typeof ConnectorSourceError>[0],
  e: unknown,
): ConnectorSourceError {
  const message = e instanceof Error ? e.message : String(e);
  return new ConnectorSourceError(reason, system, message || reason.toLowerCase().replaceAll('_', ' '));
}

/**
 * Watches one connection. Wire the client's `error`/`end`/`close` events to `lose`: every wait on
 * the server (`wait`) races the connection's loss, so a connection the server drops (`KILL`,
 * `pg_terminate_backend`, a reset) ends the wait even when the driver reports it only as an event on
 * the connection object, outside any pending query.
 */
export function connectionWatch(
  system: string,
  classify: (e: unknown) => ConnectorSourceError,
  destroy: () => void,
) {
  let lost: ConnectorSourceError | undefined;
  let fail!: (e: unknown) => void;
  const dead = new Promise<never>((_, reject) => {
    fail = reject;
  });
  dead.catch(() => undefined);
  const lose = (e: unknown) => {
    if (lost) return;
    lost = classify(e);
    fail(lost);
  };
  return {
    lose,
    /** Rejects (with the classified error) when the connection is lost. */
    whenLost: dead,
    get lost() {
      return lost;
    },
    /**
     * Waits for `work` unless the connection is lost first, `ms` pass (TIMEOUT: the connection is
     * destroyed) or `signal` aborts (the connection is destroyed, the wait rejects with the reason).
     */
    async wait<T>(work: Promise<T>, what: string, ms?: number, signal?: AbortSignal): Promise<T> {
      work.catch(() => undefined);
      if (lost) throw lost;
      const races: Promise<T>[] = [work, dead];
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      if (ms) {
        races.push(
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              lose(new ConnectorSourceError('TIMEOUT', system, `${what} did not answer within ${ms} ms`));
              destroy();
              reject(lost);
            }, ms);
          }),
        );
      }
      if (signal) {
        races.push(
          new Promise<never>((_, reject) => {
            onAbort = () => {
              destroy();
              reject(signal.reason);
            };
            if (signal.aborted) onAbort();
            else signal.addEventListener('abort', onAbort, { once: true });
          }),
        );
      }
      try {
        return await Promise.race(races);
      } catch (e) {
        throw signal?.aborted && e === signal.reason ? e : (lost ?? classify(e));
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** Runs `work` with a deadline; on expiry rejects with a TIMEOUT source error. */
export async function withTimeout<T>(system: string, ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConnectorSourceError('TIMEOUT', system, `${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Counts a table's rows (those `where` selects) without reading more than `bound` of them:
 * `SELECT count(*) FROM (SELECT 1 FROM t WHERE … LIMIT bound)`. Reaching the bound means at least.
 */
export async function boundedCount(
  query: SqlDriver['query'],
  dialect: Dialect,
  table: string,
  bound: number,
  where = '',
  params: unknown[] = [],
): Promise<RowCount> {
  const limit = Math.max(1, Math.floor(bound));
  const [row] = await query(
    `SELECT count(*) AS n FROM (SELECT 1 FROM ${quoteIdent(dialect, table)}${where} LIMIT ${limit}) AS bounded`,
    params,
  );
  const rows = Number(row?.n ?? 0);
  return { rows, from: rows >= limit ? 'at-least' : 'count' };
}

/** The statistics' figure when there is one, else a count stopped at `bound`. */
export async function rowCount(
  query: SqlDriver['query'],
  dialect: Dialect,
  table: string,
  statistic: number | null,
  bound = COUNT_BOUND,
): Promise<RowCount> {
  if (statistic !== null && statistic > 0) return { rows: Math.round(statistic), from: 'statistics' };
  return boundedCount(query, dialect, table, bound);
}

/** A table not described yet. */
export const emptyTable = (name: string): TableInfo => ({
  name,
  columns: [],
  primaryKey: [],
  unique: [],
  indexed: [],
  estimatedRows: 0,
  rowsFrom: 'count',
});

/** Sets a table's row count from the statistics' figure, or a bounded count when there is none. */
export async function countRows(
  t: TableInfo,
  query: SqlDriver['query'],
  dialect: Dialect,
  statistic: number | null,
): Promise<void> {
  const n = await rowCount(query, dialect, t.name, statistic);
  t.estimatedRows = n.rows;
  t.rowsFrom = n.from;
}
