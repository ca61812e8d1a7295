import type { HubError } from '../../hub/kernel/errors/index.js';
import type { StreamState } from '../kit/events.js';
import { validateConfig } from '../kit/manifest.js';
import type {
  Catalog,
  CatalogStream,
  CheckResult,
  ConfiguredStream,
  ConnectorSpec,
  SourceConnector,
} from '../kit/protocol.js';
import { foreignKeys, suggestJoins, views } from './catalog.js';
import { checkColumns } from './columns.js';
import { cursorIndexWarnings } from './cursor-index.js';
import {
  DEFAULT_LIVENESS,
  type Dialect,
  type Liveness,
  parseSourceUrl,
  quoteIdent,
  rowCount,
  type SqlDriver,
  type TableInfo,
  withTimeout,
} from './driver.js';
import { atOrBefore, CURSOR_LOOKBACK, type Lookback, NUMERIC_CURSOR_LOOKBACK } from './lookback.js';
import { openMariaDb } from './mariadb.js';
import { openPostgres } from './postgres.js';
import { keyset, Params, type ReadOptions, resumeBound, spanningQuery } from './select.js';
import { checkSpanning, distinctKeys, readOnly, readOnlyStream } from './spanning.js';
import { openSqlite } from './sqlite.js';

export interface SqlConfig {
  url: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveMs: number;
  batchSize: number;
  maxRejectedRows: number;
  maxRejectedRatio: number;
  planThreads: number;
  cursorLookback: number;
  numericCursorLookback: number;
}

export const sqlConfigSchema = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: {
      description:
        'postgres://user:password@host:5432/db, mysql:// or mariadb://user:password@host:3306/db, or sqlite:<file>',
      type: 'string',
      minLength: 7,
    },
    connectTimeoutMs: {
      description: 'Deadline for connecting (TCP, TLS, authentication) and for each check.',
      type: 'integer',
      minimum: 100,
      default: 5000,
    },
    queryTimeoutMs: {
      description:
        'Deadline for one query (metadata, counts) and, on PostgreSQL, for each batch fetch; the server cancels it too where it can.',
      type: 'integer',
      minimum: 100,
      default: 60000,
    },
    idleTimeoutMs: {
      description:
        'Watchdog on progress: when the source yields no batch for this long, the run fails as CONNECTOR_SOURCE_TIMEOUT (transient: retried from the last checkpoint).',
      type: 'integer',
      minimum: 100,
      default: 120000,
    },
    keepAliveMs: {
      description:
        'TCP keep-alive: idle time before the first probe, so a silently dropped peer is noticed (0: off).',
      type: 'integer',
      minimum: 0,
      default: 30000,
    },
    batchSize: {
      description: 'Rows per batch (one checkpoint each).',
      type: 'integer',
      minimum: 1,
      maximum: 20000,
      default: 2000,
    },
    planThreads: {
      description:
        'Worker threads that map, pseudonymise and seal the next batches while the current one is appended (large runs).',
      type: 'integer',
      minimum: 1,
      maximum: 8,
      default: 2,
    },
    cursorLookback: {
      description:
        'Seconds before its checkpoint a resumed incremental read of a time cursor (timestamp or date) starts again, for rows committed late with an earlier cursor value; 0: strictly after the checkpoint.',
      type: 'number',
      minimum: 0,
      default: CURSOR_LOOKBACK,
    },
    numericCursorLookback: {
      description:
        'The same for a numeric cursor, in its own units (a version, a sequence, epoch seconds); 0: strictly after the checkpoint.',
      type: 'number',
      minimum: 0,
      default: NUMERIC_CURSOR_LOOKBACK,
    },
    maxRejectedRows: {
      description: 'Rejected rows tolerated per run.',
      type: 'integer',
      minimum: 0,
      default: 1000,
    },
    maxRejectedRatio: {
      description: 'Rejected share of the rows read tolerated per run (checked once 1,000 rows are read).',
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.01,
    },
  },
} as const;

const lookbackOf = (c: Partial<SqlConfig>): Lookback => ({
  seconds: c.cursorLookback ?? CURSOR_LOOKBACK,
  units: c.numericCursorLookback ?? NUMERIC_CURSOR_LOOKBACK,
});

const livenessOf = (c: Partial<SqlConfig>): Liveness => ({
  connectTimeoutMs: c.connectTimeoutMs ?? DEFAULT_LIVENESS.connectTimeoutMs,
  queryTimeoutMs: c.queryTimeoutMs ?? DEFAULT_LIVENESS.queryTimeoutMs,
  keepAliveMs: c.keepAliveMs ?? DEFAULT_LIVENESS.keepAliveMs,
});

/** Opens the source at `url`; a number stands for the connect timeout (the other limits: defaults). */
export async function openDriver(url: string, liveness: Partial<Liveness> | number = {}): Promise<SqlDriver> {
  const source = parseSourceUrl(url);
  const l = livenessOf(typeof liveness === 'number' ? { connectTimeoutMs: liveness } : liveness);
  const open = (d: Dialect) =>
    d === 'postgres'
      ? openPostgres(source, l)
      : d === 'mariadb'
        ? openMariaDb(source, l)
        : openSqlite(source, l);
  return withTimeout(source.system, l.connectTimeoutMs + 500, 'connecting', open(source.dialect));
}

/**
 * SELECT for one read: keyset condition `(cursor, pk) > (last_cursor, last_pk)`, ordered the same
 * way; with a look-back, `cursor >= last_cursor - lookback` instead (see lookback.ts).
 */
export function readQuery(
  dialect: Dialect,
  stream: ConfiguredStream,
  state: StreamState | null,
  options: ReadOptions = {},
): { sql: string; params: unknown[] } {
  if (stream.source) return spanningQuery(dialect, stream, state, options);
  const q = (n: string) => quoteIdent(dialect, n);
  const params = new Params(dialect);
  const pk = q(stream.primaryKey);
  let where = '';
  let order = pk;
  if (stream.mode === 'incremental') {
    const from = resumeBound(state, options.lookback);
    ({ where, order } = keyset(dialect, q(stream.cursorField!), pk, state, from, params));
  } else if (state?.pk !== null && state?.pk !== undefined) {
    where = ` WHERE ${pk} > ${params.add('pk', state.pk)}`;
  }
  const table = q(stream.name);
  if (options.count !== undefined) {
    const bound = ` LIMIT ${Math.max(1, Math.floor(options.count))}`;
    return {
      sql: `SELECT count(*) AS n FROM (SELECT 1 FROM ${table}${where}${bound}) AS bounded`,
      params: params.values,
    };
  }
  const cols = stream.columns.map(q).join(', ');
  const limit = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
  return { sql: `SELECT ${cols} FROM ${table}${where} ORDER BY ${order}${limit}`, params: params.values };
}

/** Where a progress estimate stops counting. */
export const ESTIMATE_BOUND = 1_000_000;

const TIME_TYPE = /timestamp|datetime|date|time/i;
const INTEGER_TYPE = /int|serial/i;
const TEXT_TYPE = /char|text|clob|string/i;
const SOFT_DELETE = /(^|_)(da_xoa|xoa|deleted|is_deleted|removed)($|_)/i;
/** Names meaning "when the row last changed" (English and Vietnamese, with or without diacritics). */
const UPDATED =
  /(updated|modified|last_?update|last_?change|changed_at|row_?version|^version$|cap_nhat|thoi_gian_sua|ngay_sua)/i;
/** Who changed the row, not when. */
const WHO = /(^|_)(nguoi|user|by)(_|$)/i;
/** Text that sorts as the time it tells: ISO dates and timestamps. */
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The text columns of a table whose sampled values (up to 20 rows, NULLs aside) are all ISO
 * timestamps: a cursor may be kept as text, and sorts right when it is.
 */
async function timestampTextColumns(driver: SqlDriver, t: TableInfo): Promise<Set<string>> {
  const text = t.columns.filter(
    (c) => TEXT_TYPE.test(c.type) && !WHO.test(c.name) && !SOFT_DELETE.test(c.name),
  );
  if (text.length === 0) return new Set();
  const q = (n: string) => quoteIdent(driver.dialect, n);
  const rows = await driver.query(
    `SELECT ${text.map((c) => q(c.name)).join(', ')} FROM ${q(t.name)} LIMIT 20`,
  );
  return new Set(
    text
      .filter((c) => {
        const values = rows.map((r) => r[c.name]).filter((v) => v !== null && v !== undefined && v !== '');
        return values.length > 0 && values.every((v) => TIMESTAMP_TEXT.test(String(v)));
      })
      .map((c) => c.name),
  );
}

/**
 * Cursor candidates, best first: date/time columns, integer columns named as a change time or
 * version, and text columns holding timestamps (`timestampText`); those named for the last change
 * first, then indexed ones, then NOT NULL ones. Who made a change, soft-delete flags and deletion
 * times never qualify.
 */
function cursorCandidatesOf(t: TableInfo, timestampText: ReadonlySet<string>): string[] {
  const notNull = new Set(t.columns.filter((c) => !c.nullable).map((c) => c.name));
  const indexed = new Set(t.indexed);
  return t.columns
    .filter(
      (c) =>
        (TIME_TYPE.test(c.type) && !INTEGER_TYPE.test(c.type)) ||
        (INTEGER_TYPE.test(c.type) && UPDATED.test(c.name)) ||
        timestampText.has(c.name),
    )
    .filter((c) => !WHO.test(c.name) && !SOFT_DELETE.test(c.name) && !/ngay_xoa|deleted_at/i.test(c.name))
    .map((c) => ({
      name: c.name,
      score: (UPDATED.test(c.name) ? 4 : 0) + (indexed.has(c.name) ? 2 : 0) + (notNull.has(c.name) ? 1 : 0),
    }))
    .sort((a, b) => b.score - a.score)
    .map((c) => c.name);
}

function toCatalogStream(
  t: TableInfo,
  kind: 'table' | 'view' = 'table',
  timestampText: ReadonlySet<string> = new Set(),
): CatalogStream {
  const notNull = new Set(t.columns.filter((c) => !c.nullable).map((c) => c.name));
  const cursorCandidates = cursorCandidatesOf(t, timestampText);
  return {
    name: t.name,
    columns: t.columns,
    primaryKey: t.primaryKey,
    primaryKeyCandidates: [
      ...(t.primaryKey.length > 0 ? [t.primaryKey] : []),
      ...t.unique.filter((u) => notNull.has(u)).map((u) => [u]),
    ],
    cursorCandidates,
    softDeleteCandidates: t.columns.filter((c) => SOFT_DELETE.test(c.name)).map((c) => c.name),
    estimatedRows: t.estimatedRows,
    rowsFrom: t.rowsFrom,
    kind,
  };
}

const failureOf = (e: unknown) => {
  const err = e as HubError & { failure?: 'config' | 'transient' | 'system' };
  return { code: err.code ?? 'INTERNAL', failure: err.failure ?? 'system', message: err.message };
};

/** The SQL source: PostgreSQL (pg), MariaDB/MySQL (mysql2) and SQLite (better-sqlite3). */
export function sqlSource(): SourceConnector<SqlConfig> {
  const config = (c: SqlConfig) => validateConfig<SqlConfig>(sqlConfigSchema, { ...c }, 'sql configuration');
  return {
    spec: (): ConnectorSpec => ({
      configSchema: sqlConfigSchema as unknown as Record<string, unknown>,
      supportedModes: ['incremental', 'full_refresh'],
    }),

    async check(raw, options = {}) {
      const started = Date.now();
      const checks: CheckResult['checks'] = [];
      let system = '';
      let driver: SqlDriver | undefined;
      try {
        const c = config(raw);
        system = parseSourceUrl(c.url).system;
        const timeout = options.timeoutMs ?? c.connectTimeoutMs;
        driver = await openDriver(c.url, { ...livenessOf(c), connectTimeoutMs: timeout });
        checks.push({ name: 'connect', ok: true });
        // Every column the manifest and mappings name, by the field that names it.
        if (options.columns?.length) {
          const columns = await withTimeout(
            system,
            timeout,
            'columns',
            checkColumns(driver, options.columns),
          );
          checks.push(...columns);
          const missing = columns.filter((x) => !x.ok);
          if (missing.length > 0) {
            const message = missing.map((x) => x.message).join('; ');
            const error = { code: 'CONNECTOR_SOURCE_COLUMN_MISSING', failure: 'config' as const, message };
            return { ok: false, system, elapsedMs: Date.now() - started, checks, error };
          }
        }
        for (const stream of options.streams ?? []) {
          if (stream.source) {
            await checkSpanning(driver, stream, timeout, checks);
            continue;
          }
          const table = stream.name;
          const sql = `SELECT 1 FROM ${quoteIdent(driver.dialect, table)} LIMIT 1`;
          await withTimeout(system, timeout, `SELECT on ${table}`, driver.query(sql));
          checks.push({ name: `SELECT on ${table}`, ok: true });
        }
        const failed = checks.find((c) => !c.ok);
        if (!failed) checks.push(...(await cursorIndexWarnings(driver, options.streams ?? [])));
        if (failed) {
          const error = {
            code: 'CONNECTOR_CONFIG_INVALID',
            failure: 'config' as const,
            message: failed.message!,
          };
          return { ok: false, system, elapsedMs: Date.now() - started, checks, error };
        }
        return { ok: true, system, elapsedMs: Date.now() - started, checks };
      } catch (e) {
        const error = failureOf(e);
        if (checks.at(-1)?.ok !== false)
          checks.push({
            name: checks.length === 0 ? 'connect' : 'grants',
            ok: false,
            message: error.message,
          });
        return { ok: false, system, elapsedMs: Date.now() - started, checks, error };
      } finally {
        await driver?.close();
      }
    },

    async discover(raw): Promise<Catalog> {
      const c = config(raw);
      const driver = await openDriver(c.url, livenessOf(c));
      try {
        const tables = await driver.tables();
        const fks = await foreignKeys(driver, tables);
        const timestampText: Set<string>[] = [];
        for (const t of tables) timestampText.push(await timestampTextColumns(driver, t));
        const streams = [
          ...tables.map((t, i) => ({
            ...toCatalogStream(t, 'table', timestampText[i]),
            foreignKeys: fks.get(t.name) ?? [],
          })),
          ...(await views(driver)).map((v) => toCatalogStream(v, 'view')),
        ];
        return { system: driver.system, streams, suggestedJoins: suggestJoins(streams) };
      } finally {
        await driver.close();
      }
    },

    async estimate(raw, stream, state) {
      const c = config(raw);
      const driver = await openDriver(c.url, livenessOf(c));
      try {
        // A table read from the start: its statistics. Resumed, a join or a query: a bounded count.
        if (!stream.source && state?.cursor == null && state?.pk == null)
          return await rowCount(
            driver.query,
            driver.dialect,
            stream.name,
            await driver.rowStatistics(stream.name),
            ESTIMATE_BOUND,
          );
        const { sql, params } = readQuery(driver.dialect, stream, state, {
          count: ESTIMATE_BOUND,
          lookback: lookbackOf(c),
        });
        const [row] = await readOnly(driver, stream, () => driver.query(sql, params));
        const rows = Number(row?.n ?? 0);
        return { rows, from: rows >= ESTIMATE_BOUND ? 'at-least' : 'count' };
      } finally {
        await driver.close();
      }
    },

    async *read(raw, stream, options) {
      const c = config(raw);
      const driver = await openDriver(c.url, livenessOf(c));
      try {
        const lookback = lookbackOf(c);
        const { sql, params } = readQuery(driver.dialect, stream, options.state, {
          limit: options.limit,
          lookback,
        });
        const start = options.state;
        const lookedBack = resumeBound(start, lookback) !== null;
        let last = start;
        const batches = readOnlyStream(
          driver,
          stream,
          driver.stream(sql, params, options.batchSize, options.signal),
        );
        const unique = stream.source && distinctKeys(stream);
        for await (const rows of batches) {
          if (options.signal?.aborted) throw options.signal.reason;
          unique?.(rows);
          const tail = rows[rows.length - 1]!;
          const pkValue = tail[stream.primaryKey] as string | number;
          const cursor = tail[stream.cursorField!] as string | number;
          // Rows the look-back re-read: the position stays at the checkpoint.
          if (lookedBack && cursor != null && atOrBefore(cursor, start!.cursor!)) {
            yield { rows, state: start! };
            continue;
          }
          last = {
            stream: stream.name,
            mode: stream.mode,
            cursor: stream.mode === 'incremental' ? (tail[stream.cursorField!] as string | number) : null,
            pk: pkValue,
            ...(options.state?.generation ? { generation: options.state.generation } : {}),
          };
          yield { rows, state: last };
        }
      } finally {
        await driver.close();
      }
    },
  };
}
