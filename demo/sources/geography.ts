import fs from 'node:fs';
import path from 'node:path';
import { parseConversionTable, parseUnitList } from '../../hub/modules/admin-units/index.js';
import { ADMIN_UNITS_DATA_DIR, CONVERSION_FILE, UNIT_LIST_FILE } from '../data/admin-units.js';
import { type Rng, Weighted } from './random.js';

export interface Unit {
  code: string;
  name: string;
}

/** A commune as it was before 1 July 2025, with the commune that absorbed it. */
export interface Place {
  before: { commune: Unit & { kind: string }; district: Unit; province: Unit };
  after: { commune: Unit & { kind: string }; province: Unit };
}

export interface Geography {
  places: Place[];
  /** Codes of the 63 provinces before the reorganisation (the ones personal ID numbers carry). */
  provinceCodes: string[];
  provinces: Map<string, string>;
}

/** Reads the official lists (demo/data/admin-units/) through the admin-units importer's parsers. */
export function loadGeography(dataDir = ADMIN_UNITS_DATA_DIR): Geography {
  const read = (file: string) => fs.readFileSync(path.join(dataDir, file), 'utf8');
  const list = parseUnitList(read(UNIT_LIST_FILE), UNIT_LIST_FILE);
  const conversion = parseConversionTable(read(CONVERSION_FILE), CONVERSION_FILE);
  const oldCommunes = new Map(list.filter((r) => r.commune).map((r) => [r.commune!.code, r]));
  const seen = new Set<string>();
  const places: Place[] = [];
  for (const row of conversion) {
    const old = row.oldCommune && oldCommunes.get(row.oldCommune.code);
    if (!old || seen.has(old.commune!.code)) continue;
    seen.add(old.commune!.code);
    places.push({
      before: {
        commune: { code: old.commune!.code, name: old.commune!.name, kind: old.commune!.kind },
        district: { code: old.district.code, name: old.district.name },
        province: { code: old.province.code, name: old.province.name },
      },
      after: {
        commune: { code: row.newCommune.code, name: row.newCommune.name, kind: row.newCommune.kind },
        province: { code: row.newProvince.code, name: row.newProvince.name },
      },
    });
  }
  const provinces = new Map(list.map((r) => [r.province.code, r.province.name]));
  return { places, provinceCodes: [...provinces.keys()].sort(), provinces };
}

const STREETS = Weighted.ranked([
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Huệ',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Quang Trung',
  'Lê Duẩn',
  'Nguyễn Trãi',
  'Phan Chu Trinh',
  'Điện Biên Phủ',
  'Hùng Vương',
  'Nguyễn Du',
  'Võ Thị Sáu',
  'Lê Thánh Tông',
  'Trần Phú',
  'Hoàng Diệu',
  'Bà Triệu',
  'Nguyễn Thị Minh Khai',
  'Phạm Ngũ Lão',
  'Ngô Quyền',
]);

/** Southern provinces (codes from 70 on) name their hamlets "Ấp"; the others "Thôn" or "Xóm". */
export function streetAddress(rng: Rng, place: Place): string {
  const { kind } = place.before.commune;
  if (kind === 'Phường' || kind === 'Thị trấn') {
    const alley = rng.chance(0.3) ? `ngõ ${rng.int(1, 200)}, ` : '';
    return `Số ${rng.int(1, 300)}, ${alley}đường ${STREETS.sample(rng)}`;
  }
  const south = Number(place.before.province.code) >= 70;
  return `${south ? 'Ấp' : rng.chance(0.7) ? 'Thôn' : 'Xóm'} ${rng.int(1, 15)}`;
}

/** The address as written before (with district) or after (without) the 2025 reorganisation. */
export function fullAddress(street: string, place: Place, reorganised: boolean): string {
  return reorganised
    ? `${street}, ${place.after.commune.name}, ${place.after.province.name}`
    : `${street}, ${place.before.commune.name}, ${place.before.district.name}, ${place.before.province.name}`;
}
