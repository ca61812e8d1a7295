export type SourceKind = 'postgres' | 'mariadb' | 'sqlite';
export type SourceDataset =
  | 'population'
  | 'civil-status'
  | 'social-insurance'
  | 'judicial-records'
  | 'driving-licences'
  | 'business-registry'
  | 'land-parcels';

export const SOURCE_KINDS: readonly SourceKind[] = ['postgres', 'mariadb', 'sqlite'];
export const SOURCE_DATASETS: readonly SourceDataset[] = [
  'population',
  'civil-status',
  'social-insurance',
  'judicial-records',
  'driving-licences',
  'business-registry',
  'land-parcels',
];

export type ColumnType =
  | 'id'
  | `char(${number})`
  | `varchar(${number})`
  | 'date'
  | 'timestamp'
  | 'smallint'
  | 'int'
  | 'bigint'
  | `numeric(${number},${number})`
  | 'bool';

export interface Column {
  name: string;
  type: ColumnType;
  notNull?: boolean;
}

export interface SourceTable {
  name: string;
  /** Primary key: `id` (auto-increment) or a natural key. */
  key: string;
  columns: Column[];
  unique: string[];
  indexed: string[];
}

const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });
const updated = [c('ngay_cap_nhat', 'timestamp', true)];
const softDelete = [c('da_xoa', 'bool', true), c('ngay_xoa', 'timestamp')];
/** A person's name, date of birth and gender, as every ministry's register of people holds them. */
const person = [c('ho_ten', 'varchar(200)'), c('ngay_sinh', 'date'), c('gioi_tinh', 'smallint')];

/**
 * Tables as a ministry would have them: Vietnamese column names, few NOT NULL constraints (the data
 * is dirty), `ngay_cap_nhat` bumped on every update, soft deletes with `da_xoa`/`ngay_xoa`.
 */
export const SOURCE_TABLES: Record<SourceDataset, SourceTable[]> = {
  population: [
    {
      name: 'ho_gia_dinh',
      key: 'so_ho',
      columns: [
        c('so_ho', 'varchar(20)', true),
        c('so_dinh_danh_chu_ho', 'char(12)'),
        c('ho_ten_chu_ho', 'varchar(200)'),
        c('dia_chi', 'varchar(300)'),
        c('ma_xa', 'char(5)'),
        c('ma_huyen', 'char(3)'),
        c('ma_tinh', 'char(2)'),
        c('so_thanh_vien', 'smallint'),
        ...updated,
      ],
      unique: [],
      indexed: [],
    },
    {
      name: 'cong_dan',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('so_dinh_danh', 'char(12)', true),
        ...person,
        c('dan_toc', 'varchar(60)'),
        c('dia_chi_thuong_tru', 'varchar(300)'),
        c('ma_xa', 'char(5)'),
        c('ma_huyen', 'char(3)'),
        c('ma_tinh', 'char(2)'),
        c('so_ho', 'varchar(20)'),
        c('quan_he_chu_ho', 'varchar(30)'),
        ...updated,
        ...softDelete,
      ],
      unique: ['so_dinh_danh'],
      indexed: ['so_ho'],
    },
  ],
  'civil-status': [
    {
      name: 'khai_sinh',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('so_dang_ky', 'varchar(20)', true),
        c('quyen_so', 'varchar(20)'),
        c('ngay_dang_ky', 'date'),
        c('noi_dang_ky', 'varchar(200)'),
        c('so_dinh_danh', 'char(12)'),
        ...person,
        c('noi_sinh', 'varchar(300)'),
        c('ho_ten_cha', 'varchar(200)'),
        c('so_dinh_danh_cha', 'char(12)'),
        c('ho_ten_me', 'varchar(200)'),
        c('so_dinh_danh_me', 'char(12)'),
        ...updated,
        ...softDelete,
      ],
      unique: ['so_dinh_danh'],
      indexed: [],
    },
    {
      name: 'ket_hon',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('so_dang_ky', 'varchar(20)', true),
        c('ngay_dang_ky', 'date'),
        c('noi_dang_ky', 'varchar(200)'),
        c('ho_ten_chong', 'varchar(200)'),
        c('so_dinh_danh_chong', 'char(12)'),
        c('ho_ten_vo', 'varchar(200)'),
        c('so_dinh_danh_vo', 'char(12)'),
        c('ngay_ly_hon', 'date'),
        ...updated,
      ],
      unique: [],
      indexed: ['so_dinh_danh_chong', 'so_dinh_danh_vo'],
    },
    {
      name: 'khai_tu',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('so_dang_ky', 'varchar(20)', true),
        c('ngay_dang_ky', 'date'),
        c('so_dinh_danh', 'char(12)'),
        c('ho_ten', 'varchar(200)'),
        c('ngay_mat', 'date'),
        c('noi_mat', 'varchar(300)'),
        ...updated,
      ],
      unique: ['so_dinh_danh'],
      indexed: [],
    },
  ],
  'social-insurance': [
    {
      name: 'nguoi_tham_gia',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('ma_so_bhxh', 'char(10)', true),
        c('so_dinh_danh', 'char(12)'),
        ...person,
        c('ma_tinh', 'char(2)'),
        c('so_thang_dong', 'int'),
        ...updated,
        ...softDelete,
      ],
      unique: ['ma_so_bhxh'],
      indexed: ['so_dinh_danh'],
    },
    {
      name: 'the_bhyt',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('so_the', 'varchar(15)', true),
        c('ma_so_bhxh', 'char(10)', true),
        c('ma_doi_tuong', 'char(2)'),
        c('muc_huong', 'smallint'),
        c('gia_tri_tu', 'date'),
        c('gia_tri_den', 'date'),
        c('ma_kcb_bd', 'char(5)'),
        ...updated,
      ],
      unique: ['ma_so_bhxh'],
      indexed: [],
    },
    {
      name: 'dm_noi_kcb',
      key: 'ma_kcb',
      columns: [
        c('ma_kcb', 'char(5)', true),
        c('ten_kcb', 'varchar(300)'),
        c('ma_tinh', 'char(2)'),
        ...updated,
      ],
      unique: ['ma_kcb'],
      indexed: [],
    },
  ],
  'judicial-records': [
    {
      name: 'ly_lich',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('so_dinh_danh', 'char(12)', true),
        ...person,
        c('cam_dam_nhiem_chuc_vu', 'bool', true),
        ...updated,
        ...softDelete,
      ],
      unique: ['so_dinh_danh'],
      indexed: [],
    },
    {
      name: 'an_tich',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('ly_lich_id', 'bigint', true),
        c('so_ban_an', 'varchar(40)'),
        c('toa_an', 'varchar(200)'),
        c('ngay_tuyen_an', 'date'),
        c('toi_danh', 'varchar(300)'),
        c('hinh_phat', 'varchar(200)'),
        c('thoi_han_thang', 'smallint'),
        c('da_chap_hanh_xong', 'bool', true),
        c('da_xoa_an_tich', 'bool', true),
        ...updated,
      ],
      unique: [],
      indexed: ['ly_lich_id'],
    },
  ],
  'driving-licences': [
    {
      name: 'giay_phep_lai_xe',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('so_gplx', 'char(12)', true),
        c('so_dinh_danh', 'char(12)'),
        ...person,
        c('hang', 'varchar(4)'),
        c('ngay_cap', 'date'),
        c('ngay_het_han', 'date'),
        c('noi_cap', 'varchar(200)'),
        ...updated,
        ...softDelete,
      ],
      unique: ['so_gplx'],
      indexed: ['so_dinh_danh'],
    },
  ],
  'business-registry': [
    {
      name: 'doanh_nghiep',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('ma_so_doanh_nghiep', 'char(10)', true),
        c('ten', 'varchar(300)', true),
        c('loai_hinh', 'varchar(100)'),
        c('dia_chi', 'varchar(300)'),
        c('ma_xa', 'char(5)'),
        c('ma_tinh', 'char(2)'),
        c('ngay_thanh_lap', 'date'),
        c('von_dieu_le', 'bigint'),
        c('nganh_nghe_chinh', 'char(4)'),
        c('nguoi_dai_dien', 'varchar(200)'),
        c('so_dinh_danh_nguoi_dai_dien', 'char(12)'),
        c('trang_thai', 'varchar(60)'),
        ...updated,
        ...softDelete,
      ],
      unique: ['ma_so_doanh_nghiep'],
      indexed: ['so_dinh_danh_nguoi_dai_dien'],
    },
  ],
  'land-parcels': [
    {
      name: 'thua_dat',
      key: 'id',
      columns: [
        c('id', 'id'),
        c('ma_thua', 'varchar(20)', true),
        c('so_to', 'int'),
        c('so_thua', 'int'),
        c('dien_tich', 'numeric(12,1)'),
        c('muc_dich_su_dung', 'varchar(10)'),
        c('dia_chi', 'varchar(300)'),
        c('ma_xa', 'char(5)'),
        c('ma_tinh', 'char(2)'),
        c('chu_su_dung', 'varchar(200)'),
        c('so_dinh_danh_chu_su_dung', 'char(12)'),
        c('so_giay_chung_nhan', 'varchar(20)'),
        c('ngay_cap_giay', 'date'),
        ...updated,
        ...softDelete,
      ],
      unique: ['ma_thua'],
      indexed: ['so_dinh_danh_chu_su_dung'],
    },
  ],
};

function columnType(kind: SourceKind, type: ColumnType): string {
  if (type === 'id') {
    return {
      postgres: 'BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY',
      mariadb: 'BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY',
      sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    }[kind];
  }
  if (kind === 'sqlite') {
    if (/^(smallint|int|bigint|bool)$/.test(type)) return 'INTEGER';
    return type.startsWith('numeric') ? 'NUMERIC' : 'TEXT';
  }
  if (type === 'timestamp') return kind === 'postgres' ? 'TIMESTAMP(0)' : 'DATETIME';
  if (type === 'bool') return kind === 'postgres' ? 'BOOLEAN' : 'TINYINT(1)';
  if (type === 'int') return 'INTEGER';
  return type.replace('numeric', kind === 'mariadb' ? 'DECIMAL' : 'NUMERIC').toUpperCase();
}

const NOW = {
  postgres: 'DEFAULT LOCALTIMESTAMP(0)',
  mariadb: 'DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP',
  sqlite: "DEFAULT (datetime('now', 'localtime'))",
};

function columnDdl(kind: SourceKind, col: Column, table: SourceTable): string {
  const parts = [col.name, columnType(kind, col.type)];
  if (col.type === 'id') return parts.join(' ');
  if (col.notNull) parts.push('NOT NULL');
  if (col.name === 'ngay_cap_nhat') parts.push(NOW[kind]);
  if (col.type === 'bool') parts.push(kind === 'postgres' ? 'DEFAULT FALSE' : 'DEFAULT 0');
  if (col.name === table.key) parts.push('PRIMARY KEY');
  return parts.join(' ');
}

/** Keeps `ngay_cap_nhat` moving on updates that do not set it (MariaDB does it with ON UPDATE). */
function touchTrigger(kind: SourceKind, table: string): string {
  if (kind === 'postgres') {
    return `CREATE OR REPLACE FUNCTION ${table}_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.ngay_cap_nhat IS NOT DISTINCT FROM OLD.ngay_cap_nhat THEN NEW.ngay_cap_nhat := LOCALTIMESTAMP(0); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ${table}_touch BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_touch();`;
  }
  if (kind === 'sqlite') {
    return `CREATE TRIGGER ${table}_touch AFTER UPDATE ON ${table} FOR EACH ROW
WHEN NEW.ngay_cap_nhat IS OLD.ngay_cap_nhat
BEGIN
  UPDATE ${table} SET ngay_cap_nhat = datetime('now', 'localtime') WHERE rowid = NEW.rowid;
END;`;
  }
  return '';
}

/** Drops and creates the tables (no secondary indexes: those come after a bulk load). */
export function tablesDdl(kind: SourceKind, dataset: SourceDataset): string {
  return SOURCE_TABLES[dataset].map((t) => tableDdl(kind, t)).join('\n\n');
}

/** Drops and creates one table (a trigger keeps `ngay_cap_nhat` moving where the table has it). */
export function tableDdl(kind: SourceKind, t: SourceTable): string {
  const tail = kind === 'mariadb' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci' : '';
  const cols = t.columns.map((col) => `  ${columnDdl(kind, col, t)}`).join(',\n');
  const drop = `DROP TABLE IF EXISTS ${t.name}${kind === 'postgres' ? ' CASCADE' : ''};`;
  const touch = t.columns.some((col) => col.name === 'ngay_cap_nhat') && touchTrigger(kind, t.name);
  return [drop, `CREATE TABLE ${t.name} (\n${cols}\n)${tail};`, touch].filter(Boolean).join('\n');
}

/**
 * Unique constraints, the cursor index (ngay_cap_nhat, key) and lookup indexes. MariaDB builds all
 * of a table's indexes in one ALTER TABLE (one scan of the table).
 */
export function indexesDdl(kind: SourceKind, dataset: SourceDataset): string {
  return SOURCE_TABLES[dataset]
    .map((t) => {
      const indexes = [
        ...t.unique.map((col) => ({ name: `ux_${t.name}_${col}`, cols: col, unique: true })),
        { name: `ix_${t.name}_ngay_cap_nhat`, cols: `ngay_cap_nhat, ${t.key}`, unique: false },
        ...t.indexed.map((col) => ({ name: `ix_${t.name}_${col}`, cols: col, unique: false })),
      ];
      if (kind === 'mariadb') {
        const adds = indexes.map((i) => `ADD ${i.unique ? 'UNIQUE ' : ''}INDEX ${i.name} (${i.cols})`);
        return `ALTER TABLE ${t.name} ${adds.join(', ')};`;
      }
      return indexes
        .map((i) => `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${i.name} ON ${t.name} (${i.cols});`)
        .join('\n');
    })
    .join('\n');
}

/** The dataset's complete DDL for one kind of database (drops existing tables first). */
export function sourceDdl(kind: SourceKind, dataset: SourceDataset): string {
  return `${tablesDdl(kind, dataset)}\n\n${indexesDdl(kind, dataset)}\n`;
}
