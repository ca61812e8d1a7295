import type { CheckResult, ConfiguredStream } from '../kit/protocol.js';
import type { SqlDriver } from './driver.js';

/** The table and column of each cursor of an incremental stream: its own, or each of a join's. */
function cursorColumns(stream: ConfiguredStream): { table: string; column: string }[] {
  if (stream.mode !== 'incremental') return [];
  const src = stream.source;
  if (!src) return stream.cursorField ? [{ table: stream.name, column: stream.cursorField }] : [];
  if (src.kind !== 'join') return [];
  const tables = new Map([[src.alias, src.table], ...src.joins.map((j) => [j.alias, j.table] as const)]);
  return src.cursorColumns.flatMap((ref) => {
    const dot = ref.indexOf('.');
    const table = dot < 0 ? src.table : tables.get(ref.slice(0, dot));
    return table ? [{ table, column: dot < 0 ? ref : ref.slice(dot + 1) }] : [];
  });
}

/**
 * `check`'s warnings (not failures) for the cursor columns no index starts with: each incremental
 * read of such a table scans it. Views have no index to look at and are left out.
 */
export async function cursorIndexWarnings(
  driver: SqlDriver,
  streams: readonly ConfiguredStream[],
): Promise<CheckResult['checks']> {
  const wanted = streams.flatMap(cursorColumns);
  if (wanted.length === 0) return [];
  const tables = await driver.tables([...new Set(wanted.map((w) => w.table))]);
  const seen = new Set<string>();
  const out: CheckResult['checks'] = [];
  for (const { table, column } of wanted) {
    const t = tables.find((x) => x.name === table);
    const key = `${table}.${column}`;
    if (!t || seen.has(key) || t.indexed.includes(column)) continue;
    seen.add(key);
    out.push({
      name: `index on ${key}`,
      ok: true,
      warning: `each incremental read scans ${table}; ask the DBA for an index on ${column}`,
    });
  }
  return out;
}
