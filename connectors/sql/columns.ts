import type { CheckResult, ColumnReference } from '../kit/protocol.js';
import { closest } from '../kit/suggest.js';
import type { SqlDriver } from './driver.js';

/**
 * `check`'s column step: every column the manifest and the mappings name must exist in its table.
 * One failed check per missing column, naming the field that points at it and the likeliest
 * intended column (`mapping mapping.json: fullName.from → ho_tenn: no such column in cong_dan; did
 * you mean ho_ten?`).
 */
export async function checkColumns(
  driver: SqlDriver,
  refs: ColumnReference[],
): Promise<CheckResult['checks']> {
  const tables = [...new Set(refs.map((r) => r.table))];
  const described = new Map((await driver.tables(tables)).map((t) => [t.name, t.columns.map((c) => c.name)]));
  const checks: CheckResult['checks'] = [];
  for (const table of tables) {
    const columns = described.get(table);
    const used = refs.filter((r) => r.table === table);
    if (!columns) {
      checks.push({
        name: `columns of ${table}`,
        ok: true,
        message: 'not described by the database: not checked',
      });
      continue;
    }
    const present = new Set(columns);
    const missing = used.filter((r) => !present.has(r.column));
    for (const r of missing) {
      const guess = closest(r.column, columns);
      const prefix = r.written ? r.written.slice(0, r.written.length - r.column.length) : '';
      checks.push({
        name: `columns of ${table}`,
        ok: false,
        message: `${r.at} → ${r.written ?? r.column}: no such column in ${table}${guess ? `; did you mean ${prefix}${guess}?` : ''}`,
      });
    }
    if (missing.length === 0)
      checks.push({
        name: `columns of ${table}: ${new Set(used.map((r) => r.column)).size} used, all present`,
        ok: true,
      });
  }
  return checks;
}
