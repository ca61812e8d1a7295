import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import type { SourceRow } from '../kit/protocol.js';
import {
  countRows,
  emptyTable,
  type Liveness,
  type SourceUrl,
  type SqlDriver,
  sourceError,
  type TableInfo,
} from './driver.js';

function classify(system: string, e: unknown): ConnectorSourceError {
  if (e instanceof ConnectorSourceError) return e;
  const message = (e as Error)?.message ?? '';
  const code = (e as { code?: string })?.code ?? '';
  if (/no such table/i.test(message)) return sourceError(system, 'TABLE_MISSING', e);
  if (/no such column/i.test(message)) return sourceError(system, 'COLUMN_MISSING', e);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return sourceError(system, 'TIMEOUT', e);
  if (code === 'SQLITE_CANTOPEN') return sourceError(system, 'DATABASE_MISSING', e);
  if (code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return sourceError(system, 'PERMISSION_DENIED', e);
  return sourceError(system, 'QUERY_FAILED', e);
}

export async function openSqlite(source: SourceUrl, liveness: Liveness): Promise<SqlDriver> {
  const { system } = source;
  if (!fs.existsSync(source.file!)) {
    throw new ConnectorSourceError('DATABASE_MISSING', system, `file ${source.file} does not exist`);
  }
  let db: Database.Database;
  try {
    db = new Database(source.file!, { readonly: true, fileMustExist: true });
    // A writer holding the file locked longer than this fails the query as TIMEOUT (SQLITE_BUSY).
    db.pragma(`busy_timeout = ${Math.floor(liveness.queryTimeoutMs)}`);
  } catch (e) {
    throw classify(system, e);
  }
  const query = async (sql: string, params: unknown[] = []) => {
    try {
      return db.prepare(sql).all(...params) as SourceRow[];
    } catch (e) {
      throw classify(system, e);
    }
  };
  /** Rows of a table as ANALYZE recorded them in sqlite_stat1 (the first number of `stat`), if it did. */
  const statistic = (table: string): number | null => {
    try {
      const hasStats = db.prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'",
      );
      if (!hasStats.get()) return null;
      const rows = db.prepare('SELECT stat FROM sqlite_stat1 WHERE tbl = ?').all(table) as { stat: string }[];
      const n = Math.max(0, ...rows.map((r) => Number.parseInt(r.stat, 10) || 0));
      return n > 0 ? n : null;
    } catch (e) {
      throw classify(system, e);
    }
  };
  return {
    dialect: 'sqlite',
    system,
    query,
    async *stream(sql, params, batchSize, signal) {
      let iterator: IterableIterator<unknown>;
      try {
        iterator = db.prepare(sql).iterate(...params);
      } catch (e) {
        throw classify(system, e);
      }
      let batch: SourceRow[] = [];
      try {
        for (;;) {
          let step: IteratorResult<unknown>;
          try {
            step = iterator.next();
          } catch (e) {
            throw classify(system, e);
          }
          if (step.done) break;
          batch.push(step.value as SourceRow);
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
            if (signal?.aborted) throw signal.reason;
          }
        }
      } finally {
        iterator.return?.();
      }
      if (batch.length > 0) yield batch;
    },
    async tables(only) {
      const names = (await query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )) as { name: string }[];
      const out: TableInfo[] = [];
      for (const { name } of names) {
        if (only && !only.includes(name)) continue;
        const cols = db.pragma(`table_info("${name.replaceAll('"', '""')}")`) as {
          name: string;
          type: string;
          notnull: number;
          pk: number;
        }[];
        const t = emptyTable(name);
        t.columns = cols.map((c) => ({
          name: c.name,
          type: c.type || 'ANY',
          nullable: c.notnull === 0 && c.pk === 0,
        }));
        t.primaryKey = cols
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name);
        await countRows(t, query, 'sqlite', statistic(name));
        const indexes = db.pragma(`index_list("${name.replaceAll('"', '""')}")`) as {
          name: string;
          unique: number;
        }[];
        for (const ix of indexes) {
          const ixCols = db.pragma(`index_info("${ix.name.replaceAll('"', '""')}")`) as { name: string }[];
          if (ixCols[0]) t.indexed.push(ixCols[0].name);
          if (ix.unique && ixCols.length === 1 && !t.primaryKey.includes(ixCols[0]!.name))
            t.unique.push(ixCols[0]!.name);
        }
        out.push(t);
      }
      return out;
    },
    rowStatistics: async (table) => statistic(table),
    async close() {
      db.close();
    },
  };
}
