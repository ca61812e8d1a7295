import type { CatalogStream, ForeignKey, JoinedTable, SuggestedJoin } from '../kit/protocol.js';
import { emptyTable, type SqlDriver, type TableInfo } from './driver.js';

/**
 * What `discover` adds to the driver's tables: views (with their columns) and foreign keys, read
 * from the catalog with plain SELECTs, and the joins they suggest.
 */

const qualified = (schema: unknown, table: unknown) =>
  schema === 'public' || schema === undefined || schema === null ? String(table) : `${schema}.${table}`;

/** Views with their columns (no keys, no row estimate). */
export async function views(driver: SqlDriver): Promise<TableInfo[]> {
  const rows =
    driver.dialect === 'postgres'
      ? await driver.query(
          `SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS c, c.data_type AS type, c.is_nullable AS nullable
             FROM information_schema.columns c
             JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE t.table_type = 'VIEW' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
            ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
        )
      : driver.dialect === 'mariadb'
        ? await driver.query(
            `SELECT c.TABLE_NAME AS t, c.COLUMN_NAME AS c, c.COLUMN_TYPE AS type, c.IS_NULLABLE AS nullable
               FROM information_schema.COLUMNS c
               JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
              WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'VIEW'
              ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
          )
        : await driver.query(
            `SELECT m.name AS t, p.name AS c, p.type AS type, CASE p."notnull" WHEN 1 THEN 'NO' ELSE 'YES' END AS nullable
               FROM sqlite_master m, pragma_table_info(m.name) p
              WHERE m.type = 'view' ORDER BY m.name, p.cid`,
          );
  const byName = new Map<string, TableInfo>();
  for (const r of rows) {
    const name = qualified(r.s, r.t);
    let v = byName.get(name);
    if (!v) {
      v = emptyTable(name);
      byName.set(name, v);
    }
    v.columns.push({ name: String(r.c), type: String(r.type || 'ANY'), nullable: r.nullable !== 'NO' });
  }
  return [...byName.values()];
}

/** Foreign keys by the table that declares them (columns in key order). */
export async function foreignKeys(
  driver: SqlDriver,
  tables: readonly TableInfo[],
): Promise<Map<string, ForeignKey[]>> {
  type Row = { name: string; table: string; ref: string; col: string; refCol: string | null };
  let rows: Row[];
  if (driver.dialect === 'postgres') {
    rows = (
      await driver.query(
        `SELECT c.conname AS name, ns.nspname AS s, cl.relname AS t, fns.nspname AS fs, fcl.relname AS ft,
                a.attname AS col, fa.attname AS ref_col
           FROM pg_constraint c
           JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = cl.relnamespace
           JOIN pg_class fcl ON fcl.oid = c.confrelid JOIN pg_namespace fns ON fns.oid = fcl.relnamespace
           CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, ref_col, ord)
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
           JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.ref_col
          WHERE c.contype = 'f' AND ns.nspname NOT IN ('pg_catalog', 'information_schema')
          ORDER BY ns.nspname, cl.relname, c.conname, k.ord`,
      )
    ).map((r) => ({
      name: String(r.name),
      table: qualified(r.s, r.t),
      ref: qualified(r.fs, r.ft),
      col: String(r.col),
      refCol: String(r.ref_col),
    }));
  } else if (driver.dialect === 'mariadb') {
    rows = (
      await driver.query(
        `SELECT CONSTRAINT_NAME AS name, TABLE_NAME AS t, REFERENCED_TABLE_NAME AS ft, COLUMN_NAME AS col,
                REFERENCED_COLUMN_NAME AS ref_col
           FROM information_schema.KEY_COLUMN_USAGE
          WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL
          ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
      )
    ).map((r) => ({
      name: String(r.name),
      table: String(r.t),
      ref: String(r.ft),
      col: String(r.col),
      refCol: String(r.ref_col),
    }));
  } else {
    // SQLite names no constraint: its id per table tells the keys apart; a NULL `to` is the parent's primary key.
    rows = (
      await driver.query(
        `SELECT m.name AS t, f.id AS id, f."table" AS ft, f."from" AS col, f."to" AS ref_col
           FROM sqlite_master m, pragma_foreign_key_list(m.name) f
          WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq`,
      )
    ).map((r) => ({
      name: `#${r.id}`,
      table: String(r.t),
      ref: String(r.ft),
      col: String(r.col),
      refCol: r.ref_col === null ? null : String(r.ref_col),
    }));
  }
  const out = new Map<string, ForeignKey[]>();
  const byKey = new Map<string, ForeignKey>();
  for (const r of rows) {
    const key = `${r.table}\u0000${r.name}`;
    let fk = byKey.get(key);
    if (!fk) {
      fk = {
        ...(r.name.startsWith('#') ? {} : { name: r.name }),
        columns: [],
        references: { table: r.ref, columns: [] },
      };
      byKey.set(key, fk);
      out.set(r.table, [...(out.get(r.table) ?? []), fk]);
    }
    fk.columns.push(r.col);
    const parentKey = tables.find((t) => t.name === r.ref)?.primaryKey ?? [];
    fk.references.columns.push(r.refCol ?? parentKey[fk.columns.length - 1] ?? r.col);
  }
  return out;
}

/** A short alias from a table's name: cong_dan → cd, ho_gia_dinh → hgd. */
function aliasFor(table: string, taken: Set<string>): string {
  const words = table
    .slice(table.lastIndexOf('.') + 1)
    .split(/_+/)
    .filter(Boolean);
  const base = words.map((w) => w[0]!.toLowerCase()).join('') || 't';
  let alias = /^[a-z_]/.test(base) ? base : `t${base}`;
  for (let n = 2; taken.has(alias); n++) alias = `${base}${n}`;
  taken.add(alias);
  return alias;
}

/**
 * Joins worth declaring: each foreign key (the child table as the base, the referenced table
 * joined on its key), and, where a database declares none, a column of a table named like another
 * table's single-column primary key. LEFT joins, so a row with no match is still read.
 */
export function suggestJoins(streams: readonly CatalogStream[]): SuggestedJoin[] {
  const byName = new Map(streams.map((s) => [s.name, s]));
  const out: SuggestedJoin[] = [];
  for (const base of streams) {
    const taken = new Set<string>();
    const alias = aliasFor(base.name, taken);
    const joins: JoinedTable[] = [];
    const reasons: string[] = [];
    const add = (ref: CatalogStream, columns: string[], refColumns: string[], reason: string) => {
      const joined: JoinedTable = {
        table: ref.name,
        alias: aliasFor(ref.name, taken),
        kind: 'left',
        on: Object.fromEntries(refColumns.map((c, i) => [c, `${alias}.${columns[i]}`])),
      };
      if (ref.cursorCandidates[0]) joined.cursorField = ref.cursorCandidates[0];
      joins.push(joined);
      reasons.push(`${columns.join(', ')} → ${ref.name}.${refColumns.join(', ')} (${reason})`);
    };
    const declared = new Set<string>();
    for (const fk of base.foreignKeys ?? []) {
      const ref = byName.get(fk.references.table);
      if (!ref || ref.name === base.name) continue;
      add(ref, fk.columns, fk.references.columns, fk.name ? `foreign key ${fk.name}` : 'foreign key');
      for (const c of fk.columns) declared.add(c);
    }
    for (const col of base.kind === 'view' ? [] : base.columns) {
      if (declared.has(col.name) || base.primaryKey.includes(col.name)) continue;
      const ref = streams.find(
        (s) =>
          s !== base &&
          s.kind !== 'view' &&
          s.primaryKey.length === 1 &&
          s.primaryKey[0] === col.name &&
          !joins.some((j) => j.table === s.name),
      );
      if (ref)
        add(ref, [col.name], [col.name], `same name as the primary key of ${ref.name}; no foreign key`);
    }
    if (joins.length === 0) continue;
    out.push({
      table: base.name,
      alias,
      ...(base.primaryKey.length === 1 ? { primaryKey: base.primaryKey[0] } : {}),
      ...(base.cursorCandidates[0] ? { cursorField: base.cursorCandidates[0] } : {}),
      joins,
      reasons,
    });
  }
  return out;
}
