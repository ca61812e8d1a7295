import Database from 'better-sqlite3';
import type { Dialect, SqlDriver } from '../driver.js';

/**
 * A small, deterministic `cong_dan` table for the connector's own tests (the full generators with
 * realistic distributions live in demo/sources/). Rows share `ngay_cap_nhat` values in groups,
 * some names arrive decomposed (NFD) with stray spaces, and `dirty` adds rows that must be rejected.
 */
export interface PopulationRow {
  id: number;
  so_dinh_danh: string | null;
  ho_ten: string;
  ngay_sinh: string;
  gioi_tinh: number | null;
  dan_toc: string;
  dia_chi_thuong_tru: string;
  ma_xa: string;
  ma_huyen: string | null;
  ma_tinh: string;
  so_ho: string | null;
  quan_he_chu_ho: string | null;
  ngay_cap_nhat: string;
  da_xoa: number;
  ngay_xoa: string | null;
}

export const POPULATION_COLUMNS = [
  'id',
  'so_dinh_danh',
  'ho_ten',
  'ngay_sinh',
  'gioi_tinh',
  'dan_toc',
  'dia_chi_thuong_tru',
  'ma_xa',
  'ma_huyen',
  'ma_tinh',
  'so_ho',
  'quan_he_chu_ho',
  'ngay_cap_nhat',
  'da_xoa',
  'ngay_xoa',
] as const;

/** Type of a `ngay_cap_nhat`-like column in each dialect. */
export const timestampType = (dialect: Dialect) =>
  dialect === 'mariadb' ? 'DATETIME(6)' : dialect === 'postgres' ? 'TIMESTAMP(6)' : 'TEXT';

/** `cong_dan`; with `householdKey`, `so_ho` is a foreign key to `ho_gia_dinh` (create that first). */
export function populationDdl(dialect: Dialect, options: { householdKey?: boolean } = {}): string[] {
  const big = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const ts = timestampType(dialect);
  const date = dialect === 'sqlite' ? 'TEXT' : 'DATE';
  const fk = options.householdKey
    ? ',\n      CONSTRAINT fk_cong_dan_ho FOREIGN KEY (so_ho) REFERENCES ho_gia_dinh (so_ho)'
    : '';
  return [
    `CREATE TABLE cong_dan (
      id ${big} PRIMARY KEY, so_dinh_danh CHAR(12), ho_ten VARCHAR(200) NOT NULL, ngay_sinh ${date},
      gioi_tinh SMALLINT, dan_toc VARCHAR(60), dia_chi_thuong_tru VARCHAR(300), ma_xa CHAR(5),
      ma_huyen CHAR(3), ma_tinh CHAR(2), so_ho VARCHAR(40), quan_he_chu_ho VARCHAR(40),
      ngay_cap_nhat ${ts} NOT NULL, da_xoa SMALLINT NOT NULL DEFAULT 0, ngay_xoa ${ts}${fk})`,
    'CREATE INDEX cong_dan_cap_nhat ON cong_dan (ngay_cap_nhat, id)',
  ];
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Ngọc', 'Minh', 'Thu'];
const GIVEN = ['Hoà', 'Hùng', 'Lan', 'Dũng', 'Hương', 'Tuấn', 'Thảo', 'Phúc'];
const RELATION = ['Chủ hộ', 'Vợ', 'Con', 'Con', 'Mẹ', 'Cháu'];
const ETHNIC = ['Kinh', 'Tày', 'Thái', 'Mường', 'Khmer'];

export function populationRows(options: {
  count: number;
  startId?: number;
  dirty?: boolean;
  updatedAt?: string;
}): PopulationRow[] {
  const start = options.startId ?? 1;
  const rows: PopulationRow[] = [];
  for (let n = 0; n < options.count; n++) {
    const id = start + n;
    let name = `${FAMILY[id % 8]} ${MIDDLE[(id >> 3) % 6]} ${GIVEN[(id * 7) % 8]}`;
    if (id % 5 === 0) name = `  ${name.normalize('NFD').replace(' ', '   ')} `;
    const group = Math.floor(id / 50);
    const row: PopulationRow = {
      id,
      so_dinh_danh: `0${String(id % 96).padStart(2, '0')}${String(id).padStart(9, '0')}`,
      ho_ten: name,
      ngay_sinh: `19${50 + (id % 50)}-${String((id % 12) + 1).padStart(2, '0')}-${String((id % 28) + 1).padStart(2, '0')}`,
      gioi_tinh: (id % 2) + 1,
      dan_toc: ETHNIC[id % 5]!,
      dia_chi_thuong_tru: `Số ${id % 200} đường Trần Phú`,
      ma_xa: String(id % 99999).padStart(5, '0'),
      ma_huyen: id % 3 === 0 ? null : String(id % 999).padStart(3, '0'),
      ma_tinh: String(id % 96).padStart(2, '0'),
      so_ho: `HO-${Math.floor(id / 4)}`,
      quan_he_chu_ho: RELATION[id % 6]!,
      ngay_cap_nhat:
        options.updatedAt ?? `2025-01-${String((group % 28) + 1).padStart(2, '0')} 08:00:00.000000`,
      da_xoa: 0,
      ngay_xoa: null,
    };
    if (options.dirty && id % 97 === 0) row.so_dinh_danh = '12345';
    if (options.dirty && id % 89 === 0) row.gioi_tinh = null;
    rows.push(row);
  }
  return rows;
}

/** Inserts rows with multi-row INSERTs inside one transaction per chunk. */
export async function insertPopulation(
  driver: SqlDriver,
  rows: readonly PopulationRow[],
  chunk = 1000,
): Promise<void> {
  const cols = POPULATION_COLUMNS.join(', ');
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const params: unknown[] = [];
    const tuples = part.map((r) => {
      const marks = POPULATION_COLUMNS.map((c) => {
        params.push(r[c]);
        return driver.dialect === 'postgres' ? `$${params.length}` : '?';
      });
      return `(${marks.join(', ')})`;
    });
    await driver.query(`INSERT INTO cong_dan (${cols}) VALUES ${tuples.join(', ')}`, params);
  }
}

/** A SQLite source file holding `cong_dan`. */
export function createSqlitePopulation(file: string, rows: readonly PopulationRow[]): void {
  const db = new Database(file);
  for (const ddl of populationDdl('sqlite')) db.exec(ddl);
  const insert = db.prepare(
    `INSERT INTO cong_dan (${POPULATION_COLUMNS.join(', ')}) VALUES (${POPULATION_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  db.transaction(() => {
    for (const r of rows) insert.run(r);
  })();
  db.close();
}
