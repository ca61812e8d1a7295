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
