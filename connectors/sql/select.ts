import type { StreamState } from '../kit/events.js';
import type { ConfiguredStream, JoinSource, QuerySource } from '../kit/protocol.js';
import { EFFECTIVE_CURSOR } from '../kit/stream-source.js';
import { type Dialect, quoteIdent } from './driver.js';
import { type Lookback, lookbackBound } from './lookback.js';

/** Options of one read: a row limit or a bounded count, and the look-back before the checkpoint. */
export interface ReadOptions {
  limit?: number;
  count?: number;
  lookback?: Lookback;
}

/** Quotes one identifier as a whole, dots included (`"hgd.dia_chi"`, a column of a result). */
export function quoteName(dialect: Dialect, name: string): string {
  const q = dialect === 'mariadb' ? '`' : '"';
  return `${q}${name.replaceAll(q, q + q)}${q}`;
}

/**
 * The greatest of some expressions, NULL only when all are NULL. GREATEST ignores NULLs on
 * PostgreSQL but returns NULL on MariaDB, as SQLite's MAX does: each argument is COALESCEd with the
 * others, so a NULL stands in for a value that is there anyway and every dialect agrees.
 */
export function greatest(dialect: Dialect, exprs: readonly string[]): string {
  if (exprs.length === 1) return exprs[0]!;
  const args = exprs.map((e, i) => `COALESCE(${[e, ...exprs.filter((_, j) => j !== i)].join(', ')})`);
  return `${dialect === 'sqlite' ? 'MAX' : 'GREATEST'}(${args.join(', ')})`;
}

/** Placeholders: PostgreSQL numbers each value once (`$1` used twice); the others repeat `?`. */
export class Params {
  readonly values: unknown[] = [];
  private readonly numbered = new Map<string, number>();
  constructor(private readonly dialect: Dialect) {}
  add(key: string, value: unknown): string {
    if (this.dialect !== 'postgres') {
      this.values.push(value);
      return '?';
    }
    let n = this.numbered.get(key);
    if (n === undefined) {
      this.values.push(value);
      n = this.values.length;
      this.numbered.set(key, n);
    }
    return `$${n}`;
  }
}

/** A column reference of a join: `alias.column`, or a bare column of the base table. */
function joinRef(dialect: Dialect, src: JoinSource, name: string): string {
  const dot = name.indexOf('.');
  const [alias, column] = dot < 0 ? [src.alias, name] : [name.slice(0, dot), name.slice(dot + 1)];
  return `${quoteName(dialect, alias)}.${quoteName(dialect, column)}`;
}

/**
 * The join's FROM clause: base table, then each joined table ON its columns = the named ones. The
 * table aliased `required` is joined INNER (its rows are required by the WHERE anyway), so that
 * planners which do not reduce the outer join themselves may start from that table.
 */
function joinFrom(dialect: Dialect, src: JoinSource, required?: string): string {
  const table = (t: string, alias: string) => `${quoteIdent(dialect, t)} ${quoteName(dialect, alias)}`;
  const joins = src.joins.map((j) => {
    const on = Object.entries(j.on)
      .map(
        ([col, other]) =>
          `${quoteName(dialect, j.alias)}.${quoteName(dialect, col)} = ${joinRef(dialect, src, other)}`,
      )
      .join(' AND ');
    const inner = j.kind === 'inner' || j.alias === required;
    return ` ${inner ? 'INNER' : 'LEFT'} JOIN ${table(j.table, j.alias)} ON ${on}`;
  });
  return `${table(src.table, src.alias)}${joins.join('')}`;
}

/**
 * The rows of a join or a query, each with `_cursor` (incremental reads), before the keyset
 * condition. A join with a saved cursor reads, for each cursor column, the rows where that column
 * reached it and no earlier one did: together the rows of `_cursor >= c`, each once (UNION ALL, so
 * no column needs to be comparable), but each branch can start from its table's cursor index
 * instead of scanning the whole join.
 */
function rowsSql(
  dialect: Dialect,
  stream: ConfiguredStream,
  src: JoinSource | QuerySource,
  params: Params,
  cursor: unknown,
): string {
  const incremental = stream.mode === 'incremental' && src.cursorColumns.length > 0;
  if (src.kind === 'query') {
    const col = (c: string) => `q0.${quoteName(dialect, c)}`;
    const cols = stream.columns.map((c) => `${col(c)} AS ${quoteName(dialect, c)}`);
    if (incremental)
      cols.push(
        `${greatest(dialect, src.cursorColumns.map(col))} AS ${quoteName(dialect, EFFECTIVE_CURSOR)}`,
      );
    const sql = src.sql.trim().replace(/;\s*$/, '');
    return `SELECT ${cols.join(', ')} FROM (\n${sql}\n) q0`;
  }
  const cols = stream.columns.map((c) => `${joinRef(dialect, src, c)} AS ${quoteName(dialect, c)}`);
  const cursors = src.cursorColumns.map((c) => joinRef(dialect, src, c));
  if (incremental) cols.push(`${greatest(dialect, cursors)} AS ${quoteName(dialect, EFFECTIVE_CURSOR)}`);
  const select = (required?: string) => `SELECT ${cols.join(', ')} FROM ${joinFrom(dialect, src, required)}`;
  if (!incremental || cursor === null || cursor === undefined) return select();
  return src.cursorColumns
    .map((c, i) => {
      const reached = `${cursors[i]} >= ${params.add('cursor', cursor)}`;
      const before = cursors
        .slice(0, i)
        .map((e) => ` AND (${e} < ${params.add('cursor', cursor)} OR ${e} IS NULL)`);
      return `${select(c.split('.')[0])} WHERE ${reached}${before.join('')}`;
    })
    .join('\nUNION ALL\n');
}

/** Where a resumed incremental read starts with its look-back (inclusive), or null: strictly after the checkpoint. */
export function resumeBound(
  state: StreamState | null,
  lookback: Lookback | undefined,
): string | number | null {
  const cursor = state?.cursor ?? null;
  return cursor !== null && lookback ? lookbackBound(cursor, lookback) : null;
}

/**
 * WHERE and ORDER BY of an incremental read on cursor `c` and key `pk` from `state`: the first read
 * takes the rows with a cursor; a resumed one those after the checkpoint, `(c, pk) > (cursor, pk)`,
 * or from `from` (the look-back bound) on. A full refresh of an incremental stream (its state
 * carries a generation) reads the rows with a NULL cursor too, first, so that it sees every row.
 */
export function keyset(
  dialect: Dialect,
  c: string,
  pk: string,
  state: StreamState | null,
  from: string | number | null,
  params: Params,
): { where: string; order: string } {
  const cursor = state?.cursor ?? null;
  const everyRow = state?.generation !== undefined;
  let where = '';
  if (from !== null) where = ` WHERE ${c} >= ${params.add('cursor', from)}`;
  else if (cursor !== null)
    where = ` WHERE (${c} > ${params.add('cursor', cursor)} OR (${c} = ${params.add('cursor', cursor)} AND ${pk} > ${params.add('pk', state!.pk)}))`;
  else if (!everyRow) where = ` WHERE ${c} IS NOT NULL`;
  else if (state?.pk !== null && state?.pk !== undefined)
    where = ` WHERE ((${c} IS NULL AND ${pk} > ${params.add('pk', state.pk)}) OR ${c} IS NOT NULL)`;
  // MariaDB and SQLite sort NULLs first already.
  const nulls = everyRow && cursor === null && dialect === 'postgres' ? ' NULLS FIRST' : '';
  return { where, order: `${c}${nulls}, ${pk}` };
}

/**
 * The SELECT of one read of a join or query stream: its rows as a subquery, the keyset condition
 * `(_cursor, pk) > (c, p)` (with a look-back `_cursor >= c - lookback`, each branch from that bound)
 * and the order `_cursor, pk` outside it. Nothing is created at the source.
 */
export function spanningQuery(
  dialect: Dialect,
  stream: ConfiguredStream,
  state: StreamState | null,
  options: ReadOptions = {},
): { sql: string; params: unknown[] } {
  const src = stream.source!;
  const params = new Params(dialect);
  const incremental = stream.mode === 'incremental' && src.cursorColumns.length > 0;
  const cursor = incremental ? (state?.cursor ?? null) : null;
  const from = incremental ? resumeBound(state, options.lookback) : null;
  const inner = rowsSql(dialect, stream, src, params, from ?? cursor);
  const c = `q.${quoteName(dialect, EFFECTIVE_CURSOR)}`;
  const pk = `q.${quoteName(dialect, stream.primaryKey)}`;
  let where = '';
  let order = pk;
  if (incremental) ({ where, order } = keyset(dialect, c, pk, state, from, params));
  else if (state?.pk !== null && state?.pk !== undefined) {
    where = ` WHERE ${pk} > ${params.add('pk', state.pk)}`;
  }
  const rows = `(\n${inner}\n) q`;
  if (options.count !== undefined) {
    const bound = ` LIMIT ${Math.max(1, Math.floor(options.count))}`;
    return {
      sql: `SELECT count(*) AS n FROM (SELECT 1 FROM ${rows}${where}${bound}) AS bounded`,
      params: params.values,
    };
  }
  const limit = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
  return { sql: `SELECT * FROM ${rows}${where} ORDER BY ${order}${limit}`, params: params.values };
}
