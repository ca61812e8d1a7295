import { fullAddress, type Geography, loadGeography, type Place, streetAddress } from './geography.js';
import { corruptPersonalId, personalIdNumber } from './identifiers.js';
import { ETHNICITIES, type Gender, personName, randomSurname } from './names.js';
import { Rng, scramble, Weighted } from './random.js';
import { DEFAULT_UPDATED_BETWEEN, dateIn, REORGANISATION, updateClock } from './timeline.js';

/** A row of `cong_dan`, column by column. */
export interface PopulationSourceRow {
  id: number;
  so_dinh_danh: string;
  ho_ten: string | null;
  ngay_sinh: string | null;
  gioi_tinh: Gender;
  dan_toc: string;
  dia_chi_thuong_tru: string;
  ma_xa: string;
  ma_huyen: string | null;
  ma_tinh: string;
  so_ho: string;
  quan_he_chu_ho: string;
  ngay_cap_nhat: string;
  da_xoa: boolean;
  ngay_xoa: string | null;
}

/** A row of `ho_gia_dinh`. */
export interface HouseholdSourceRow {
  so_ho: string;
  so_dinh_danh_chu_ho: string;
  ho_ten_chu_ho: string | null;
  dia_chi: string;
  ma_xa: string;
  ma_huyen: string | null;
  ma_tinh: string;
  so_thanh_vien: number;
  ngay_cap_nhat: string;
}

export interface GeneratorOptions {
  count: number;
  seed?: number;
  /** Id of the first row; runs with disjoint id ranges yield distinct identifiers. */
  startId?: number;
  geography?: Geography;
  /** Range of `ngay_cap_nhat` (`YYYY-MM-DD HH:MM:SS`). */
  updatedBetween?: readonly [string, string];
}

/** Share of rows carrying each kind of dirt (deterministic for a seed). */
export const DEFECT_RATES = {
  softDeleted: 0.01,
  decomposedName: 0.02,
  paddedName: 0.01,
  invalidId: 0.003,
  missingRequired: 0.002,
} as const;

const HOUSEHOLD_SIZES = new Weighted<number>([
  [1, 15],
  [2, 20],
  [3, 22],
  [4, 25],
  [5, 12],
  [6, 6],
]);

type Role = 'head' | 'spouse' | 'child' | 'parent' | 'grandchild' | 'sibling';

interface Member {
  role: Role;
  gender: Gender;
  birthYear: number;
  surname: string;
}

export interface Household {
  household: HouseholdSourceRow;
  members: PopulationSourceRow[];
  place: Place;
}

/** Households of 1–6 people, each person a row; the last household is cut to fit `count`. */
export function* populationHouseholds(opts: GeneratorOptions): Generator<Household> {
  const rng = new Rng(opts.seed ?? 1);
  const geo = opts.geography ?? loadGeography();
  const startId = opts.startId ?? 1;
  const clock = updateClock(opts.count, opts.updatedBetween ?? DEFAULT_UPDATED_BETWEEN);
  const serials = new Map<string, number>();
  let id = startId;
  const end = startId + opts.count;
  while (id < end) {
    const size = Math.min(HOUSEHOLD_SIZES.sample(rng), end - id);
    const place = rng.pick(geo.places);
    const updatedAt = clock(rng);
    const reorganised = updatedAt >= REORGANISATION;
    const address = fullAddress(streetAddress(rng, place), place, reorganised);
    const unit = reorganised
      ? { ma_xa: place.after.commune.code, ma_huyen: null, ma_tinh: place.after.province.code }
      : {
          ma_xa: place.before.commune.code,
          ma_huyen: place.before.district.code,
          ma_tinh: place.before.province.code,
        };
    const householdNo = String(scramble(id % 1_000_000_000, 1_000_000_000, 314_159)).padStart(9, '0');
    const members = plan(rng, size).map((m, i): PopulationSourceRow => {
      const birthProvince = rng.chance(0.8) ? place.before.province.code : rng.pick(geo.provinceCodes);
      const bucket = `${birthProvince}${m.gender}${m.birthYear}`;
      const serial = serials.get(bucket) ?? startId - 1;
      serials.set(bucket, serial + 1);
      const row: PopulationSourceRow = {
        id: id + i,
        so_dinh_danh: personalIdNumber(birthProvince, m.gender, m.birthYear, serial),
        ho_ten: personName(rng, m.gender, m.birthYear, m.surname),
        ngay_sinh: dateIn(rng, m.birthYear),
        gioi_tinh: m.gender,
        dan_toc: ETHNICITIES.sample(rng),
        dia_chi_thuong_tru: address,
        ...unit,
        so_ho: householdNo,
        quan_he_chu_ho: relationLabel(m, rng),
        ngay_cap_nhat: updatedAt,
        da_xoa: false,
        ngay_xoa: null,
      };
      return dirty(rng, row);
    });
    id += size;
    const head = members[0]!;
    yield {
      household: {
        so_ho: householdNo,
        so_dinh_danh_chu_ho: head.so_dinh_danh,
        ho_ten_chu_ho: head.ho_ten,
        dia_chi: address,
        ...unit,
        so_thanh_vien: size,
        ngay_cap_nhat: updatedAt,
      },
      members,
      place,
    };
  }
}

/** Deterministic citizens (same seed → same rows), generated lazily. */
export function* populationRows(opts: GeneratorOptions): Generator<PopulationSourceRow> {
  for (const { members } of populationHouseholds(opts)) yield* members;
}

export function* householdRows(opts: GeneratorOptions): Generator<HouseholdSourceRow> {
  for (const { household } of populationHouseholds(opts)) yield household;
}

function plan(rng: Rng, size: number): Member[] {
  const headGender: Gender = rng.chance(0.75) ? 1 : 2;
  const headYear = rng.int(1945, 2000);
  const headSurname = randomSurname(rng);
  const members: Member[] = [{ role: 'head', gender: headGender, birthYear: headYear, surname: headSurname }];
  let fatherSurname = headGender === 1 ? headSurname : undefined;
  if (size >= 2 && rng.chance(0.85)) {
    const spouse: Member = {
      role: 'spouse',
      gender: headGender === 1 ? 2 : 1,
      birthYear: headYear + (headGender === 1 ? rng.int(-2, 6) : rng.int(-6, 2)),
      surname: randomSurname(rng),
    };
    fatherSurname ??= spouse.surname;
    members.push(spouse);
  }
  while (members.length < size) {
    const draw = rng.next();
    if (draw < 0.08 && headYear > 1960) {
      const gender: Gender = rng.chance(0.5) ? 1 : 2;
      const surname = gender === 1 ? headSurname : randomSurname(rng);
      members.push({ role: 'parent', gender, birthYear: headYear - rng.int(20, 35), surname });
    } else if (draw < 0.18 && headYear < 1970) {
      const gender: Gender = rng.chance(0.51) ? 1 : 2;
      members.push({
        role: 'grandchild',
        gender,
        birthYear: Math.min(2024, headYear + rng.int(45, 60)),
        surname: headSurname,
      });
    } else if (draw < 0.22) {
      const gender: Gender = rng.chance(0.5) ? 1 : 2;
      members.push({ role: 'sibling', gender, birthYear: headYear + rng.int(-8, 8), surname: headSurname });
    } else {
      const gender: Gender = rng.chance(0.51) ? 1 : 2;
      const birthYear = Math.min(2024, headYear + rng.int(20, 40));
      members.push({ role: 'child', gender, birthYear, surname: fatherSurname ?? headSurname });
    }
  }
  return members;
}

function relationLabel(m: Member, rng: Rng): string {
  switch (m.role) {
    case 'head':
      return 'Chủ hộ';
    case 'spouse':
      return m.gender === 2 ? 'Vợ' : 'Chồng';
    case 'child':
      return 'Con';
    case 'parent':
      return m.gender === 1 ? 'Bố' : 'Mẹ';
    case 'grandchild':
      return 'Cháu';
    case 'sibling':
      return rng.chance(0.5) ? 'Em' : m.gender === 1 ? 'Anh' : 'Chị';
  }
}

/** The deliberate defects; every draw happens for every row so a seed fixes them all. */
function dirty(rng: Rng, row: PopulationSourceRow): PopulationSourceRow {
  const [deleted, nfd, padded, badId, missing, variant] = [
    rng.next(),
    rng.next(),
    rng.next(),
    rng.next(),
    rng.next(),
    rng.int(0, 1),
  ];
  if (deleted < DEFECT_RATES.softDeleted) {
    row.da_xoa = true;
    row.ngay_xoa = row.ngay_cap_nhat;
  }
  if (nfd < DEFECT_RATES.decomposedName) row.ho_ten = row.ho_ten!.normalize('NFD');
  if (padded < DEFECT_RATES.paddedName) row.ho_ten = variant ? ` ${row.ho_ten}` : `${row.ho_ten}  `;
  if (badId < DEFECT_RATES.invalidId) row.so_dinh_danh = corruptPersonalId(row.so_dinh_danh, variant);
  if (missing < DEFECT_RATES.missingRequired) {
    if (variant) row.ho_ten = null;
    else row.ngay_sinh = null;
  }
  return row;
}
