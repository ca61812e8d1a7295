import mysql from 'mysql2';
import { ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import type { SourceRow } from '../kit/protocol.js';
import { networkReason, type SourceUrl, type SqlDriver, sourceError, type TableInfo } from './driver.js';

function classify(system: string, e: unknown): ConnectorSourceError {
  if (e instanceof ConnectorSourceError) return e;
  const net = networkReason(e);
  if (net) return sourceError(system, net, e);
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
    case 'ER_CONNECTION_KILLED':
    case 'ER_SERVER_SHUTDOWN':
    case 'ER_QUERY_INTERRUPTED':
    case 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR':
      return sourceError(system, 'CONNECTION_LOST', e);
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      return sourceError(system, 'TIMEOUT', e);
  }
  return sourceError(system, 'QUERY_FAILED', e);
}

export async function openMariaDb(source: SourceUrl, timeoutMs: number): Promise<SqlDriver> {
  const { system } = source;
  const conn = mysql.createConnection({
    uri: source.url.replace(/^mariadb:/, 'mysql:'),
    connectTimeout: timeoutMs,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    timezone: 'Z',
  });
  let lost: unknown;
  conn.on('error', (e) => {
    lost = e;
  });
  const query = (sql: string, params: unknown[] = []) =>
    new Promise<SourceRow[]>((resolve, reject) => {
      conn.query({ sql, values: params }, (err, rows) => {
        if (err) reject(classify(system, err));
        else resolve(rows as SourceRow[]);
      });
    });
  try {
    await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
    await query("SET SESSION time_zone = '+00:00'");
  } catch (e) {
    conn.destroy();
    throw classify(system, e);
  }
  return {
    dialect: 'mariadb',
    system,
    query,
    async *stream(sql, params, batchSize) {
      const rows = conn.query({ sql, values: params }).stream({ highWaterMark: batchSize });
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
        throw classify(system, lost ?? e);
      } finally {
        rows.destroy();
      }
      if (lost) throw classify(system, lost);
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
        byName.set(name, {
          name,
          columns: [],
          primaryKey: [],
          unique: [],
          indexed: [],
          estimatedRows: Number(r.n ?? 0),
        });
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
    close: () =>
      new Promise<void>((resolve) => {
        conn.end(() => resolve());
        setTimeout(() => {
          conn.destroy();
          resolve();
        }, 1000).unref();
      }),
  };
}
