import mysql from 'mysql2';
import { ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import type { SourceRow } from '../kit/protocol.js';
import {
  connectionWatch,
  countRows,
  emptyTable,
  type Liveness,
  networkReason,
  type SourceUrl,
  type SqlDriver,
  sourceError,
  type TableInfo,
} from './driver.js';

function classify(system: string, e: unknown): ConnectorSourceError {
  if (e instanceof ConnectorSourceError) return e;
  const net = networkReason(e);
  if (net) return sourceError(system, net, e);
  // Codes mysql2 has no name for: MariaDB's ER_CONNECTION_KILLED (KILL <id>) and statement timeouts.
  const errno = (e as { errno?: number })?.errno;
  if (errno === 1927) return sourceError(system, 'CONNECTION_LOST', e);
  if (errno === 1969) return sourceError(system, 'TIMEOUT', e);
  switch ((e as { code?: string })?.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return sourceError(system, 'AUTH_FAILED', e);
    case 'ER_BAD_DB_ERROR':
      return sourceError(system, 'DATABASE_MISSING', e);
    case 'ER_NO_SUCH_TABLE':
      return sourceError(system, 'TABLE_MISSING', e);
    case 'ER_BAD_FIELD_ERROR':
      return sourceError(system, 'COLUMN_MISSING', e);
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return sourceError(system, 'PERMISSION_DENIED', e);
    case 'PROTOCOL_CONNECTION_LOST':
    case 'ER_SERVER_SHUTDOWN':
    case 'ER_QUERY_INTERRUPTED':
    case 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR':
      return sourceError(system, 'CONNECTION_LOST', e);
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
    case 'ER_QUERY_TIMEOUT':
      return sourceError(system, 'TIMEOUT', e);
  }
  return sourceError(system, 'QUERY_FAILED', e);
}

export async function openMariaDb(source: SourceUrl, liveness: Liveness): Promise<SqlDriver> {
  const { system } = source;
  const conn = mysql.createConnection({
    uri: source.url.replace(/^mariadb:/, 'mysql:'),
    connectTimeout: liveness.connectTimeoutMs,
    enableKeepAlive: liveness.keepAliveMs > 0,
    keepAliveInitialDelay: liveness.keepAliveMs,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    timezone: 'Z',
  });
  const watch = connectionWatch(
    system,
    (e) => classify(system, e),
    () => conn.destroy(),
  );
  // mysql2 reports a connection dropped under a streamed query only here, never to the query itself.
  conn.on('error', watch.lose);
  conn.on('end', () =>
    watch.lose(
      Object.assign(new Error('Connection lost: the server closed the connection.'), {
        code: 'PROTOCOL_CONNECTION_LOST',
      }),
    ),
  );
  const deadline = liveness.queryTimeoutMs + 1000;
  const query = (sql: string, params: unknown[] = []) =>
    watch.wait(
      new Promise<SourceRow[]>((resolve, reject) => {
        conn.query({ sql, values: params }, (err, rows) =>
          err ? reject(err) : resolve(rows as SourceRow[]),
        );
      }),
      'query',
      deadline,
    );
  try {
    await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
    await query(
      `SET SESSION time_zone = '+00:00', max_statement_time = ${Math.max(0.001, liveness.queryTimeoutMs / 1000)}`,
    );
  } catch (e) {
    conn.destroy();
    throw classify(system, e);
  }
  return {
    dialect: 'mariadb',
    system,
    query,
    async *stream(sql, params, batchSize, signal) {
      // A streamed read lasts as long as the table is long: the kit's watchdog on batches bounds it,
      // not max_statement_time, lifted for this statement alone (the session's other queries keep it).
      const rows = conn
        .query({ sql: `SET STATEMENT max_statement_time = 0 FOR ${sql}`, values: params })
        .stream({ highWaterMark: batchSize });
      // Ends the row stream (and the loop below) when the connection is lost or the read aborted.
      watch.whenLost.catch((e: Error) => rows.destroy(e));
      const onAbort = () => {
        conn.destroy();
        rows.destroy(signal!.reason);
      };
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      let batch: SourceRow[] = [];
      try {
        for await (const row of rows) {
          batch.push(row as SourceRow);
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
      } catch (e) {
        throw signal?.aborted && e === signal.reason ? e : classify(system, watch.lost ?? e);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        rows.destroy();
      }
      if (watch.lost) throw watch.lost;
      if (batch.length > 0) yield batch;
    },
    async tables(only) {
      const cols = await query(
        `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS k
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
      );
      const stats = await query(
        `SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c, NON_UNIQUE AS nu, SEQ_IN_INDEX AS seq
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      );
      const sizes = await query(
        `SELECT TABLE_NAME AS t, TABLE_ROWS AS n FROM information_schema.TABLES
          WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'`,
      );
      const byName = new Map<string, TableInfo>();
      for (const r of sizes) {
        const name = String(r.t);
        if (only && !only.includes(name)) continue;
        const t = emptyTable(name);
        byName.set(name, t);
        // TABLE_ROWS is InnoDB's estimate; NULL or 0 (no statistics yet, or empty) is counted instead.
        await countRows(t, query, 'mariadb', r.n === null ? null : Number(r.n));
      }
      for (const r of cols) {
        byName.get(String(r.t))?.columns.push({
          name: String(r.c),
          type: String(r.type),
          nullable: r.nullable === 'YES',
        });
      }
      const indexCols = new Map<string, string[]>();
      for (const r of stats) {
        const t = byName.get(String(r.t));
        if (!t) continue;
        if (r.i === 'PRIMARY') t.primaryKey.push(String(r.c));
        if (Number(r.seq) === 1) t.indexed.push(String(r.c));
        if (Number(r.nu) === 0 && r.i !== 'PRIMARY') {
          const key = `${r.t}\u0000${r.i}`;
          indexCols.set(key, [...(indexCols.get(key) ?? []), String(r.c)]);
        }
      }
      for (const [key, c] of indexCols)
        if (c.length === 1) byName.get(key.split('\u0000')[0]!)?.unique.push(c[0]!);
      return [...byName.values()];
    },
    async rowStatistics(table) {
      const [row] = await query(
        'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
        [table],
      );
      const n = Number(row?.n ?? 0);
      return n > 0 ? n : null;
    },
    async close() {
      if (!watch.lost)
        await watch
          .wait(new Promise<void>((resolve) => conn.end(() => resolve())), 'closing', 1000)
          .catch(() => undefined);
      conn.destroy();
    },
  };
}
