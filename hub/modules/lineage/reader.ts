import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import { MAX_NEIGHBOURS } from './graph.js';

/** Rows read per neighbour list: one more than the limit, to tell that there were more. */
export const LIMIT = MAX_NEIGHBOURS + 1;

/** A JSON array of strings, as an attribute shows it. */
export const list = (text: string) => (JSON.parse(text) as string[]).join(', ');

/** Up to `MAX_NEIGHBOURS` edges to `ids` (read newest first, one more than the limit to tell). */
export function capped(ids: readonly string[], relation: string, to: (id: string) => string) {
  return {
    out: ids.slice(0, MAX_NEIGHBOURS).map((id) => ({ to: to(id), relation })),
    capped: ids.length > MAX_NEIGHBOURS,
  };
}

/** Reads of the `lineage` tables through statements prepared once per connection. */
export class ReadModelReader {
  constructor(protected readonly db: ReadModelDb) {}

  protected all<T>(sql: string, ...params: unknown[]): T[] {
    return prepared(this.db, sql).all(...params) as T[];
  }

  /** The `id` column of each row. */
  protected ids(sql: string, ...params: unknown[]): string[] {
    return this.all<{ id: string }>(sql, ...params).map((r) => r.id);
  }

  protected get<T>(sql: string, ...params: unknown[]): T | undefined {
    return prepared(this.db, sql).get(...params) as T | undefined;
  }
}
