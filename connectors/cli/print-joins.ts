import type { ForeignKey, SuggestedJoin } from '../kit/protocol.js';

/** `so_ho → ho_gia_dinh.so_ho (fk_cong_dan_ho)` */
export const foreignKey = (fk: ForeignKey): string =>
  `${fk.columns.join(', ')} → ${fk.references.table}.${fk.references.columns.join(', ')}${fk.name ? ` (${fk.name})` : ''}`;

/** The joins `discover` suggests, each as a manifest fragment to paste into a stream. */
export function printSuggestedJoins(joins: readonly SuggestedJoin[]): void {
  if (joins.length === 0) return;
  console.log('\nsuggested joins: paste into a stream of connector.json (with dataset, mode and mapping);');
  const alias = joins[0]!.joins[0]!.alias;
  console.log(`map a joined table's column as "<alias>.<column>", e.g. "from": "${alias}.<column>".`);
  for (const { reasons, ...fragment } of joins) {
    console.log(`\n${fragment.table}:`);
    for (const r of reasons) console.log(`  ${r}`);
    console.log(JSON.stringify(fragment, null, 2));
  }
}
