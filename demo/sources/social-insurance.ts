import { loadGeography, type Place } from './geography.js';
import { addDays, ageOn, DEMO_TODAY, families, type Person, personColumns, type TableRow } from './lives.js';
import type { Gender } from './names.js';
import type { GeneratorOptions } from './population.js';
import { type Rng, scramble, Weighted } from './random.js';
import { DEFAULT_UPDATED_BETWEEN, updateClock } from './timeline.js';

/** A row of `nguoi_tham_gia` (insured people), one per social insurance number. */
export interface InsuredRow {
  id: number;
  ma_so_bhxh: string;
  so_dinh_danh: string;
  ho_ten: string;
  ngay_sinh: string;
  gioi_tinh: Gender;
  ma_tinh: string;
  so_thang_dong: number;
  ngay_cap_nhat: string;
  da_xoa: boolean;
  ngay_xoa: string | null;
}

/** A row of `the_bhyt`: the current health insurance card of a social insurance number. */
export interface CardRow {
  id: number;
  so_the: string;
  ma_so_bhxh: string;
  ma_doi_tuong: string;
  muc_huong: number;
  gia_tri_tu: string;
  gia_tri_den: string;
  ma_kcb_bd: string;
  ngay_cap_nhat: string;
}

/** A row of `dm_noi_kcb`, the catalogue of facilities for initial health care. */
export interface FacilityRow {
  ma_kcb: string;
  ten_kcb: string;
  ma_tinh: string;
  ngay_cap_nhat: string;
}

/** Beneficiary group of working-age adults, with its benefit level (mức hưởng). */
const ADULT_GROUPS = new Weighted<[string, number]>([
  [['DN', 4], 45],
  [['HC', 4], 12],
  [['GD', 4], 30],
  [['HN', 4], 6],
  [['CN', 2], 7],
]);
const ELDER_GROUPS = new Weighted<[string, number]>([
  [['HT', 3], 55],
  [['GD', 4], 35],
  [['CN', 2], 10],
]);
const CONTRIBUTING = new Set(['DN', 'HC', 'HT']);

interface Coverage {
  group: string;
  level: number;
  from: string;
  to: string;
  months: number;
  card: boolean;
}

/** Who holds what, as of DEMO_TODAY: children under 6 free cards (TE), pupils HS, adults by work. */
function coverage(p: Person, rng: Rng): Coverage | null {
  const born = p.dateOfBirth!;
  const age = ageOn(born);
  const year = DEMO_TODAY.slice(0, 4);
  const held = age < 6 ? (born < '2024-07-01' ? 0.95 : 0.35) : age < 18 ? 0.92 : 0.88;
  if (!rng.chance(held)) return null;
  let c: Coverage;
  if (age < 6) {
    const sixth = `${Number(born.slice(0, 4)) + 6}${born.slice(4)}`;
    c = { group: 'TE', level: 1, from: born, to: addDays(sixth, -1), months: 0, card: true };
  } else if (age < 18 || (age <= 22 && rng.chance(0.5))) {
    c = { group: 'HS', level: 4, from: '2025-10-01', to: '2026-09-30', months: 0, card: true };
  } else {
    const [group, level] = (age > 60 ? ELDER_GROUPS : ADULT_GROUPS).sample(rng);
    const working = Math.max(0, Math.min(age, 60) - 22);
    const months = CONTRIBUTING.has(group)
      ? Math.round(working * 12 * (0.5 + rng.next() * 0.5))
      : rng.chance(0.4)
        ? rng.int(0, 120)
        : 0;
    c = { group, level, from: `${year}-01-01`, to: `${year}-12-31`, months, card: rng.chance(0.92) };
  }
  if (p.deceasedOn) {
    c.to = p.deceasedOn;
    if (c.from > c.to) c.from = `${p.deceasedOn.slice(0, 4)}-01-01`;
  }
  return c;
}

/**
 * The Vietnam Social Security database of the same population (same count and seed): a social
 * insurance number for most people the population holds cleanly (children under 6 born in the last
 * two years often have none yet: the card is what procedure 1.002357 issues), the current health
 * insurance card of most of them, and months of contributions for employees, public servants and
 * pensioners. Yields `nguoi_tham_gia` (main), `the_bhyt` and `dm_noi_kcb`.
 */
export function* socialInsuranceRows(opts: GeneratorOptions): Generator<TableRow> {
  const geography = opts.geography ?? loadGeography();
  const clock = updateClock(opts.count, opts.updatedBetween ?? DEFAULT_UPDATED_BETWEEN);
  const facilities = new Map<string, string>();
  const perProvince = new Map<string, number>();
  let insured = 0;

  /** The facility a person registers with: the province hospital or their commune's health station. */
  function* facility(place: Place, rng: Rng): Generator<TableRow, string> {
    const province = place.after.province;
    const hospital = rng.chance(0.4);
    const key = hospital ? province.code : place.after.commune.code;
    let code = facilities.get(key);
    if (!code) {
      const n = hospital ? 1 : 100 + ((perProvince.get(province.code) ?? 0) % 900);
      if (!hospital) perProvince.set(province.code, (perProvince.get(province.code) ?? 0) + 1);
      code = `${province.code}${String(n).padStart(3, '0')}`;
      facilities.set(key, code);
      const row: FacilityRow = {
        ma_kcb: code,
        ten_kcb: hospital ? `Bệnh viện Đa khoa ${province.name}` : `Trạm Y tế ${place.after.commune.name}`,
        ma_tinh: province.code,
        ngay_cap_nhat: '2025-07-01 00:00:00',
      };
      yield { table: 'dm_noi_kcb', row, main: false };
    }
    return code;
  }

  for (const f of families({ count: opts.count, seed: opts.seed, geography })) {
    for (const p of f.people) {
      if (!p.clean) continue;
      const rng = p.rng('social-insurance');
      const c = coverage(p, rng);
      if (!c) continue;
      const id = ++insured;
      const province = f.place.before.province.code;
      const number = `${province}${String(scramble(id - 1, 10_000_000, 161_803)).padStart(7, '0')}${rng.int(0, 9)}`;
      const updated = clock(rng);
      const row: InsuredRow = {
        id,
        ma_so_bhxh: number,
        ...personColumns(p),
        ma_tinh: province,
        so_thang_dong: c.months,
        ngay_cap_nhat: updated,
        da_xoa: false,
        ngay_xoa: null,
      };
      yield { table: 'nguoi_tham_gia', row, main: true };
      if (!c.card) continue;
      const card: CardRow = {
        id,
        so_the: `${c.group}${c.level}${province}${number}`,
        ma_so_bhxh: number,
        ma_doi_tuong: c.group,
        muc_huong: c.level,
        gia_tri_tu: c.from,
        gia_tri_den: c.to,
        ma_kcb_bd: yield* facility(f.place, rng),
        ngay_cap_nhat: updated,
      };
      yield { table: 'the_bhyt', row: card, main: false };
    }
  }
}
