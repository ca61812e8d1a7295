import { ConnectorConfigError, ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import type { ColumnInfo, SourceRow } from '../kit/protocol.js';

export type Dialect = 'postgres' | 'mariadb' | 'sqlite';

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  /** Single columns with a UNIQUE constraint. */
  unique: string[];
  /** Indexed columns (first column of any index). */
  indexed: string[];
  estimatedRows: number;
}

/** What the SQL connector needs from a database client. Errors are ConnectorSourceError. */
export interface SqlDriver {
  readonly dialect: Dialect;
  /** The source without credentials, e.g. `postgres://127.0.0.1:5432/population`. */
  readonly system: string;
  query(sql: string, params?: unknown[]): Promise<SourceRow[]>;
  /** Streams a query's rows in batches through a server-side cursor (no full result in memory). */
  stream(sql: string, params: unknown[], batchSize: number): AsyncIterable<SourceRow[]>;
  tables(only?: string[]): Promise<TableInfo[]>;
  close(): Promise<void>;
}

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
