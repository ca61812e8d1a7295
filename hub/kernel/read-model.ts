/**
 * The read-model port: the part of a relational database that projections, queries and the erasure
 * and release paths use. Read models live in an embedded SQLite file today (`hub/projections/db.ts`
 * opens it); modules see only this interface, so no backend type reaches domain code and another
 * engine can stand behind it.
 */

export interface SqlRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** A prepared statement: parameters are bound positionally (an array type) or by name (one object). */
export interface SqlStatement<Params extends unknown[] = unknown[], Row = unknown> {
  run(...params: Params): SqlRunResult;
  get(...params: Params): Row | undefined;
  all(...params: Params): Row[];
  iterate(...params: Params): IterableIterator<Row>;
  /** Returns only the first column of each row. */
  pluck(toggle?: boolean): this;
  /** Returns rows as arrays instead of objects. */
  raw(toggle?: boolean): this;
}

// biome-ignore lint/suspicious/noExplicitAny: any function may run in a transaction
type AnyFunction = (...params: any[]) => unknown;
type ArgumentTypes<F extends AnyFunction> = F extends (...args: infer A) => unknown ? A : never;

/** A function that runs inside one transaction (nested calls use savepoints). */
export interface SqlTransaction<F extends AnyFunction> {
  (...params: ArgumentTypes<F>): ReturnType<F>;
  immediate(...params: ArgumentTypes<F>): ReturnType<F>;
}

export interface ReadModelDb {
  readonly inTransaction: boolean;
  // biome-ignore lint/complexity/noBannedTypes: mirrors the driver's signature ({} = named parameters)
  prepare<Params extends unknown[] | {} = unknown[], Row = unknown>(
    sql: string,
  ): Params extends unknown[] ? SqlStatement<Params, Row> : SqlStatement<[Params], Row>;
  exec(sql: string): this;
  transaction<F extends AnyFunction>(fn: F): SqlTransaction<F>;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): this;
}

const statements = new WeakMap<ReadModelDb, Map<string, SqlStatement>>();
/** Distinct statements kept per connection; past it the cache starts again (dynamic SQL stays bounded). */
const MAX_STATEMENTS = 1000;

/**
 * `db.prepare(sql)`, prepared once per connection and kept: for queries run on every request, where
 * compiling the SQL again would cost more than running it. Not for a statement whose mode is
 * toggled (`pluck`, `raw`) or that is iterated: callers share it.
 */
// biome-ignore lint/complexity/noBannedTypes: mirrors the driver's signature ({} = named parameters)
export function prepared<Params extends unknown[] | {} = unknown[], Row = unknown>(
  db: ReadModelDb,
  sql: string,
): Params extends unknown[] ? SqlStatement<Params, Row> : SqlStatement<[Params], Row> {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_STATEMENTS) cache.clear();
    statement = db.prepare(sql) as SqlStatement;
    cache.set(sql, statement);
  }
  return statement as never;
}
