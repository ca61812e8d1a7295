import pg from 'pg';
import { ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import type { SourceRow } from '../kit/protocol.js';
import {
  connectionWatch,
  countRows,
  emptyTable,
  type Liveness,
  networkReason,
  quoteIdent,
  type SourceUrl,
  type SqlDriver,
  sourceError,
  type TableInfo,
} from './driver.js';

const STRING_TYPES = new Set([1082, 1083, 1114, 1184, 1266]);
const INT8 = 20;

/** Dates and timestamps stay strings (no time-zone shift, full microsecond precision for cursors). */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (STRING_TYPES.has(oid)) return (v: string) => v;
    if (oid === INT8)
      return (v: string) => {
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : v;
      };
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

function classify(system: string, e: unknown): ConnectorSourceError {
  if (e instanceof ConnectorSourceError) return e;
  const code = (e as { code?: string })?.code;
  const net = networkReason(e);
  if (net) return sourceError(system, net, e);
  switch (code) {
    case '28P01':
    case '28000':
      return sourceError(system, 'AUTH_FAILED', e);
    case '3D000':
      return sourceError(system, 'DATABASE_MISSING', e);
    case '42P01':
    case '3F000':
      return sourceError(system, 'TABLE_MISSING', e);
    case '42703':
      return sourceError(system, 'COLUMN_MISSING', e);
    case '42501':
      return sourceError(system, 'PERMISSION_DENIED', e);
    case '57P01':
    case '57P02':
    case '57P03':
    case '08006':
    case '08003':
      return sourceError(system, 'CONNECTION_LOST', e);
    case '57014':
      return sourceError(system, 'TIMEOUT', e);
  }
  const message = (e as Error)?.message ?? '';
  if (/timeout/i.test(message)) return sourceError(system, 'TIMEOUT', e);
  if (/Connection terminated|connection.*(closed|ended)/i.test(message))
    return sourceError(system, 'CONNECTION_LOST', e);
  return sourceError(system, 'QUERY_FAILED', e);
}

export async function openPostgres(source: SourceUrl, liveness: Liveness): Promise<SqlDriver> {
  const { system } = source;
  const client = new pg.Client({
    connectionString: source.url,
    connectionTimeoutMillis: liveness.connectTimeoutMs,
    keepAlive: liveness.keepAliveMs > 0,
    keepAliveInitialDelayMillis: liveness.keepAliveMs,
    // Bounds each query at the server, each FETCH of a streamed read too (see `stream`).
    statement_timeout: liveness.queryTimeoutMs,
    types,
    application_name: 'lienthong-connector',
  });
  const socket = () =>
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream;
  const watch = connectionWatch(
    system,
    (e) => classify(system, e),
    () => socket().destroy(),
  );
  client.on('error', watch.lose);
  client.on('end', () => watch.lose(Object.assign(new Error('Connection terminated'), { code: '08006' })));
  try {
    await client.connect();
  } catch (e) {
    socket().destroy();
    throw classify(system, e);
  }
  /** Whether the session is inside a transaction block, as the server said at its last ReadyForQuery. */
  let inTransaction = false;
  (client as unknown as { connection: NodeJS.EventEmitter }).connection.on(
    'readyForQuery',
    (msg: { status?: string }) => {
      inTransaction = msg.status === 'T' || msg.status === 'E';
    },
  );
  let cursors = 0;
  // The server's statement_timeout answers first; the client's deadline covers a server that stopped answering.
  const deadline = liveness.queryTimeoutMs + 1000;
  const query = async (sql: string, params: unknown[] = []) =>
    (await watch.wait(client.query(sql, params), 'query', deadline)).rows as SourceRow[];
  return {
    dialect: 'postgres',
    system,
    query,
    /**
     * A streamed read is a SQL cursor (`DECLARE … CURSOR` then `FETCH n`), not a protocol-level
     * portal: each FETCH is a statement of its own, so `statement_timeout` (and the client's
     * deadline) bound each batch, not the whole read, which lasts as long as the table is long. A
     * portal's Execute messages all count toward the one statement that ends at Sync, so a long read
     * failed at `queryTimeoutMs` however fast each batch came. The cursor needs a transaction: the
     * caller's (a query's read-only one) or one begun here and ended with the read.
     */
    async *stream(sql, params, batchSize, signal) {
      const name = `lienthong_read_${++cursors}`;
      const own = !inTransaction;
      const send = (text: string, values: unknown[] = [], what = 'reading') =>
        watch.wait(client.query(text, values), what, deadline, signal);
      let open = false;
      try {
        if (own) await send('BEGIN');
        await send(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
        open = true;
        for (;;) {
          const { rows } = await send(`FETCH FORWARD ${Math.max(1, Math.floor(batchSize))} FROM ${name}`);
          if (rows.length === 0) break;
          yield rows as SourceRow[];
        }
        open = false;
        await send(`CLOSE ${name}`, [], 'closing the cursor');
        if (own) await send('COMMIT', [], 'closing the cursor');
      } finally {
        // Ended early (an error, the caller stopping): the cursor goes, and the transaction begun here.
        if ((open || (own && inTransaction)) && !watch.lost && !signal?.aborted) {
          if (own) await query('ROLLBACK').catch(() => undefined);
          else if (open) await query(`CLOSE ${name}`).catch(() => undefined);
        }
      }
    },
    async tables(only) {
      const rows = await query(
        `SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.is_nullable
           FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
          WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
          ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
      );
      const constraints = await query(
        `SELECT tc.table_schema, tc.table_name, tc.constraint_type, tc.constraint_name, k.column_name
           FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name)
          WHERE tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
          ORDER BY k.ordinal_position`,
      );
      const indexed = await query(
        `SELECT n.nspname AS table_schema, t.relname AS table_name, a.attname AS column_name, t.reltuples::bigint AS estimate
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]`,
      );
      // reltuples is -1 for a table never analysed (0 before PostgreSQL 14): counted instead.
      const estimates = await query(
        `SELECT n.nspname AS table_schema, c.relname AS table_name, c.reltuples::bigint AS estimate
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'`,
      );
      const nameOf = (r: SourceRow) =>
        r.table_schema === 'public' ? String(r.table_name) : `${r.table_schema}.${r.table_name}`;
      const byName = new Map<string, TableInfo>();
      for (const r of rows) {
        const name = nameOf(r);
        if (only && !only.includes(name)) continue;
        let t = byName.get(name);
        if (!t) {
          t = emptyTable(name);
          byName.set(name, t);
        }
        t.columns.push({
          name: String(r.column_name),
          type: String(r.data_type),
          nullable: r.is_nullable === 'YES',
        });
      }
      const uniqueCols = new Map<string, string[]>();
      for (const r of constraints) {
        const t = byName.get(nameOf(r));
        if (!t) continue;
        if (r.constraint_type === 'PRIMARY KEY') t.primaryKey.push(String(r.column_name));
        else {
          const key = `${nameOf(r)}/${r.constraint_name}`;
          uniqueCols.set(key, [...(uniqueCols.get(key) ?? []), String(r.column_name)]);
        }
      }
      for (const [key, cols] of uniqueCols) {
        if (cols.length === 1) byName.get(key.slice(0, key.lastIndexOf('/')))?.unique.push(cols[0]!);
      }
      for (const r of indexed) byName.get(nameOf(r))?.indexed.push(String(r.column_name));
      const statistic = new Map(estimates.map((r) => [nameOf(r), Number(r.estimate)]));
      for (const t of byName.values()) await countRows(t, query, 'postgres', statistic.get(t.name) ?? null);
      return [...byName.values()];
    },
    async rowStatistics(table) {
      const [row] = await query(
        'SELECT c.reltuples::bigint AS estimate FROM pg_class c WHERE c.oid = to_regclass($1)',
        [quoteIdent('postgres', table)],
      );
      const n = Number(row?.estimate ?? 0);
      return n > 0 ? n : null;
    },
    async close() {
      if (!watch.lost) await watch.wait(client.end(), 'closing', 1000).catch(() => undefined);
      socket().destroy();
    },
  };
}
