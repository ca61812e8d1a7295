import path from 'node:path';
import Database from 'better-sqlite3';
import type { HouseholdSourceRow } from '../../../demo/sources/population.js';
import { tempDir } from '../../../hub/testing/temp.js';
import type { Dialect } from '../driver.js';
import { openDriver } from '../source.js';
import {
  POPULATION_COLUMNS,
  type PopulationRow,
  populationDdl,
  populationRows,
  timestampType,
} from './population.js';
import { createTempDatabase } from './servers.js';

/**
 * Citizens (`cong_dan`) with their households (`ho_gia_dinh`, whose address is the permanent
 * residence), a declared foreign key between them and a view over the join, in any dialect.
 */
export type HouseholdRow = Omit<HouseholdSourceRow, 'so_dinh_danh_chu_ho' | 'ho_ten_chu_ho'>;

const HOUSEHOLD_COLUMNS = [
  'so_ho',
  'dia_chi',
  'ma_xa',
  'ma_huyen',
  'ma_tinh',
  'so_thanh_vien',
  'ngay_cap_nhat',
] as const;

/** Households change less often than citizens: theirs is before every citizen's `ngay_cap_nhat`. */
export const HOUSEHOLD_UPDATED_AT = '2024-12-01 00:00:00.000000';

export function householdsDdl(dialect: Dialect): string[] {
  return [
    `CREATE TABLE ho_gia_dinh (
      so_ho VARCHAR(40) PRIMARY KEY, dia_chi VARCHAR(300), ma_xa CHAR(5), ma_huyen CHAR(3), ma_tinh CHAR(2),
      so_thanh_vien SMALLINT, ngay_cap_nhat ${timestampType(dialect)} NOT NULL)`,
    'CREATE INDEX ho_gia_dinh_cap_nhat ON ho_gia_dinh (ngay_cap_nhat)',
    ...populationDdl(dialect, { householdKey: true }),
    `CREATE VIEW thuong_tru AS
      SELECT cd.id, cd.ho_ten, hgd.dia_chi, hgd.ma_xa FROM cong_dan cd LEFT JOIN ho_gia_dinh hgd ON hgd.so_ho = cd.so_ho`,
  ];
}

/** `count` citizens in households of four; every tenth citizen belongs to none. */
export function householdRows(count: number): { citizens: PopulationRow[]; households: HouseholdRow[] } {
  const citizens = populationRows({ count }).map((r) =>
    r.id % 10 === 0 ? { ...r, so_ho: null, quan_he_chu_ho: null } : r,
  );
  const members = new Map<string, number>();
  for (const c of citizens) if (c.so_ho) members.set(c.so_ho, (members.get(c.so_ho) ?? 0) + 1);
  const households = [...members].map(([so_ho, n]): HouseholdRow => {
    const k = Number(so_ho.slice(3));
    return {
      so_ho,
      dia_chi: `Số ${k}, thôn Đông Hòa`,
      ma_xa: String(10_000 + k).slice(-5),
      ma_huyen: k % 2 === 0 ? String(100 + (k % 900)) : null,
      ma_tinh: String(10 + (k % 80)),
      so_thanh_vien: n,
      ngay_cap_nhat: HOUSEHOLD_UPDATED_AT,
    };
  });
  return { citizens, households };
}

/** Writes to a source the way its owner would (the connector itself only reads). */
export interface SourceWriter {
  /** One statement with `?` placeholders (numbered for PostgreSQL here). */
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function openWriter(url: string): Promise<SourceWriter> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    return {
      run: async (sql, params = []) => void db.prepare(sql).run(...params),
      close: async () => void db.close(),
    };
  }
  const driver = await openDriver(url, 5000);
  const postgres = driver.dialect === 'postgres';
  return {
    run: async (sql, params = []) => {
      let n = 0;
      await driver.query(postgres ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
    },
    close: () => driver.close(),
  };
}

async function insert(
  writer: SourceWriter,
  table: string,
  columns: readonly string[],
  rows: readonly object[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const marks = `(${columns.map(() => '?').join(', ')})`;
    const params = part.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c]));
    await writer.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => marks).join(', ')}`,
      params,
    );
  }
}

export interface HouseholdSource {
  url: string;
  citizens: PopulationRow[];
  households: HouseholdRow[];
  writer: SourceWriter;
  drop(): Promise<void>;
}

/** A fresh database (a temporary SQLite file, or a database created on the server) holding both tables. */
export async function householdSource(dialect: Dialect, count: number): Promise<HouseholdSource> {
  let url: string;
  let dropDatabase: () => Promise<void>;
  if (dialect === 'sqlite') {
    const tmp = tempDir();
    url = `sqlite:${path.join(tmp.dir, 'population.sqlite')}`;
    new Database(url.slice('sqlite:'.length)).close();
    dropDatabase = async () => tmp.remove();
  } else {
    const db = await createTempDatabase(dialect);
    url = db.url;
    dropDatabase = db.drop;
  }
  const writer = await openWriter(url);
  const { citizens, households } = householdRows(count);
  for (const ddl of householdsDdl(dialect)) await writer.run(ddl);
  await insert(writer, 'ho_gia_dinh', HOUSEHOLD_COLUMNS, households);
  await insert(writer, 'cong_dan', POPULATION_COLUMNS, citizens);
  return {
    url,
    citizens,
    households,
    writer,
    async drop() {
      await writer.close();
      await dropDatabase();
    },
  };
}
