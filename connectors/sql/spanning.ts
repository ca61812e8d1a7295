import { ConnectorConfigError, ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import type { CheckResult, ConfiguredStream, SourceRow } from '../kit/protocol.js';
import { type SqlDriver, withTimeout } from './driver.js';
import { spanningQuery } from './select.js';

/**
 * Reading streams that span tables (a join or a query): the read-only transaction around a query,
 * the refusal of a query that writes, the check that a join cannot repeat a row, and `check`'s steps.
 */

const BEGIN_READ_ONLY = { postgres: 'BEGIN TRANSACTION READ ONLY', mariadb: 'START TRANSACTION READ ONLY' };

/** A query that tried to write, refused by the read-only transaction: a config error naming the field. */
function refusedWrite(stream: ConfiguredStream, e: unknown): unknown {
  if (!(e instanceof ConnectorSourceError) || !/read[- ]only transaction/i.test(e.message)) return e;
  return new ConnectorConfigError(`stream ${stream.name}`, [
    {
      path: `${stream.source!.at}/query`,
      message: `writes to the source, refused by the read-only transaction (${e.message})`,
    },
  ]);
}

const inReadOnly = (driver: SqlDriver, stream: ConfiguredStream) =>
  stream.source?.kind === 'query' && driver.dialect !== 'sqlite'
    ? BEGIN_READ_ONLY[driver.dialect]
    : undefined;

/**
 * Runs `work` in a read-only transaction when the stream is a query (PostgreSQL, MariaDB; a SQLite
 * source is opened read-only), so a query that would write fails and changes nothing.
 */
export async function readOnly<T>(
  driver: SqlDriver,
  stream: ConfiguredStream,
  work: () => Promise<T>,
): Promise<T> {
  const begin = inReadOnly(driver, stream);
  if (!begin) return work();
  await driver.query(begin);
  try {
    const result = await work();
    await driver.query('COMMIT');
    return result;
  } catch (e) {
    await driver.query('ROLLBACK').catch(() => undefined);
    throw refusedWrite(stream, e);
  }
}

/** `readOnly` for a streamed read: the transaction spans every batch. */
export async function* readOnlyStream(
  driver: SqlDriver,
  stream: ConfiguredStream,
  batches: AsyncIterable<SourceRow[]>,
): AsyncGenerator<SourceRow[]> {
  const begin = inReadOnly(driver, stream);
  if (!begin) {
    yield* batches;
    return;
  }
  await driver.query(begin);
  let ok = false;
  try {
    yield* batches;
    ok = true;
  } catch (e) {
    throw refusedWrite(stream, e);
  } finally {
    await driver.query(ok ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
  }
}

/**
 * Fails a read whose rows repeat a primary-key value (a join matching several rows of a joined
 * table, or a query whose key is not unique): the keyset resume would skip or repeat rows.
 */
export function distinctKeys(stream: ConfiguredStream): (rows: SourceRow[]) => void {
  let previous: string | undefined;
  return (rows) => {
    const seen = new Set<string>(previous === undefined ? [] : [previous]);
    for (const row of rows) {
      const key = String(row[stream.primaryKey]);
      if (seen.has(key)) {
        const src = stream.source!;
        throw new ConnectorConfigError(`stream ${stream.name}`, [
          src.kind === 'join'
            ? {
                path: `${src.at}/joins`,
                message: `a joined table matches more than one row for some ${stream.primaryKey}: join each table on its primary key or a unique column`,
              }
            : {
                path: `${src.at}/primaryKey`,
                message: `${stream.primaryKey} is not unique in the query's rows`,
              },
        ]);
      }
      seen.add(key);
    }
    previous = rows.length > 0 ? String(rows[rows.length - 1]![stream.primaryKey]) : previous;
  };
}

/**
 * `check` for a join or a query: its SELECT runs (LIMIT 0, read-only for a query), and each joined
 * table is joined on its primary key or a unique column, so no base row can be read twice.
 */
export async function checkSpanning(
  driver: SqlDriver,
  stream: ConfiguredStream,
  timeoutMs: number,
  checks: CheckResult['checks'],
): Promise<void> {
  const src = stream.source!;
  const name =
    src.kind === 'query'
      ? `query ${stream.name} runs read-only`
      : `SELECT on ${[src.table, ...src.joins.map((j) => j.table)].join(' joined to ')}`;
  const { sql, params } = spanningQuery(driver.dialect, stream, null, { limit: 0 });
  try {
    await withTimeout(
      driver.system,
      timeoutMs,
      name,
      readOnly(driver, stream, () => driver.query(sql, params)),
    );
  } catch (e) {
    checks.push({ name, ok: false, message: (e as Error).message });
    throw e;
  }
  checks.push({ name, ok: true });
  if (src.kind !== 'join') return;
  const tables = await driver.tables(src.joins.map((j) => j.table));
  for (const j of src.joins) {
    const t = tables.find((x) => x.name === j.table);
    if (!t) continue; // a view: no declared keys to compare with
    const on = Object.keys(j.on);
    const keyed =
      (t.primaryKey.length > 0 && t.primaryKey.every((c) => on.includes(c))) ||
      t.unique.some((c) => on.includes(c));
    const check = `join ${j.table} on a key (${on.join(', ')})`;
    checks.push(
      keyed
        ? { name: check, ok: true }
        : {
            name: check,
            ok: false,
            message: `${on.join(', ')} is not the primary key or a unique column of ${j.table}: a row of ${src.table} could be read twice (${src.at}/joins)`,
          },
    );
  }
}
