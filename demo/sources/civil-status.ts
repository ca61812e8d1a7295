import { loadGeography } from './geography.js';
import { personalIdNumber } from './identifiers.js';
import {
  addDays,
  ageOn,
  DEMO_TODAY,
  dateBetween,
  type Family,
  families,
  type Person,
  personColumns,
  type TableRow,
} from './lives.js';
import { type Gender, personName, randomSurname, surnameOf } from './names.js';
import type { GeneratorOptions } from './population.js';
import type { Rng } from './random.js';
import { DEFAULT_UPDATED_BETWEEN, dateIn, updateClock } from './timeline.js';

/** A row of `khai_sinh` (birth register), one per person. */
export interface BirthRow {
  id: number;
  so_dang_ky: string;
  quyen_so: string;
  ngay_dang_ky: string;
  noi_dang_ky: string;
  so_dinh_danh: string;
  ho_ten: string;
  ngay_sinh: string;
  gioi_tinh: Gender;
  noi_sinh: string;
  ho_ten_cha: string | null;
  so_dinh_danh_cha: string | null;
  ho_ten_me: string | null;
  so_dinh_danh_me: string | null;
  ngay_cap_nhat: string;
  da_xoa: boolean;
  ngay_xoa: string | null;
}

/** A row of `ket_hon` (marriage register); a divorce is noted on the marriage (`ngay_ly_hon`). */
export interface MarriageRow {
  id: number;
  so_dang_ky: string;
  ngay_dang_ky: string;
  noi_dang_ky: string;
  ho_ten_chong: string;
  so_dinh_danh_chong: string | null;
  ho_ten_vo: string;
  so_dinh_danh_vo: string | null;
  ngay_ly_hon: string | null;
  ngay_cap_nhat: string;
}

/** A row of `khai_tu` (death register). */
export interface DeathRow {
  id: number;
  so_dang_ky: string;
  ngay_dang_ky: string;
  so_dinh_danh: string;
  ho_ten: string;
  ngay_mat: string;
  noi_mat: string;
  ngay_cap_nhat: string;
}

interface Party {
  name: string;
  id: string | null;
  gender: Gender;
}

/** Serial numbers of a register, per office and year: `<n>/<year>`. */
class Registers {
  private readonly next = new Map<string, number>();
  number(register: string, office: string, date: string): string {
    const key = `${register}/${office}/${date.slice(0, 4)}`;
    const n = (this.next.get(key) ?? 0) + 1;
    this.next.set(key, n);
    return `${n}/${date.slice(0, 4)}`;
  }
}

/**
 * The civil-status database of the same population (same count and seed): a birth registration for
 * every person the population holds cleanly, their parents named (with ID numbers when the parent
 * is a citizen of the same household), a marriage for every couple of a household (and for the
 * head's parents living with them), some divorces and widowhoods of people living alone, and a
 * death registration for every person who has died. Yields `khai_sinh` (main), `ket_hon`, `khai_tu`.
 */
export function* civilStatusRows(opts: GeneratorOptions): Generator<TableRow> {
  const geography = opts.geography ?? loadGeography();
  const clock = updateClock(opts.count, opts.updatedBetween ?? DEFAULT_UPDATED_BETWEEN);
  const registers = new Registers();
  const ids = { birth: 0, marriage: 0, death: 0, invented: 600_000 };
  const touched = (rng: Rng, registered: string) => {
    const at = clock(rng);
    return at.slice(0, 10) < registered ? `${registered} 09:00:00` : at;
  };
  const office = (f: Family) => `Ủy ban nhân dân ${f.place.before.commune.name}`;
  const province = (code: string) => geography.provinces.get(code) ?? `Tỉnh ${code}`;
  /** Someone who is not in the population: a parent of old, a former or late spouse. */
  const invented = (
    rng: Rng,
    gender: Gender,
    birthYear: number,
    surname?: string,
    withId = false,
  ): Party => ({
    name: personName(rng, gender, birthYear, surname),
    id: withId
      ? personalIdNumber(rng.pick(geography.provinceCodes), gender, birthYear, ids.invented++)
      : null,
    gender,
  });
  const partyOf = (p: Person): Party | null =>
    p.fullName ? { name: p.fullName, id: p.clean ? p.personalId : null, gender: p.gender } : null;

  const marriage = (f: Family, rng: Rng, a: Party, b: Party, on: string, divorcedOn: string | null) => {
    const [husband, wife] = a.gender === 1 ? [a, b] : [b, a];
    const row: MarriageRow = {
      id: ++ids.marriage,
      so_dang_ky: registers.number('KH', office(f), on),
      ngay_dang_ky: on,
      noi_dang_ky: office(f),
      ho_ten_chong: husband.name,
      so_dinh_danh_chong: husband.id,
      ho_ten_vo: wife.name,
      so_dinh_danh_vo: wife.id,
      ngay_ly_hon: divorcedOn,
      ngay_cap_nhat: touched(rng, divorcedOn ?? on),
    };
    return { table: 'ket_hon', row, main: false };
  };
  const death = (f: Family, rng: Rng, who: Party, diedOn: string) => {
    const registered = dateBetween(rng, addDays(diedOn, 1), minDate(addDays(diedOn, 14), DEMO_TODAY));
    const row: DeathRow = {
      id: ++ids.death,
      so_dang_ky: registers.number('KT', office(f), registered),
      ngay_dang_ky: registered,
      so_dinh_danh: who.id!,
      ho_ten: who.name,
      ngay_mat: diedOn,
      noi_mat: rng.chance(0.6)
        ? `Tại nhà, ${f.household.dia_chi}`
        : `Bệnh viện đa khoa ${province(f.place.before.province.code)}`,
      ngay_cap_nhat: touched(rng, registered),
    };
    return { table: 'khai_tu', row, main: false };
  };

  for (const f of families({ count: opts.count, seed: opts.seed, geography })) {
    const later: TableRow[] = [];
    const couple = [f.head, f.spouse].filter((p): p is Person => p !== undefined);
    const grandparents = f.people.filter((p) => p.relation === 'Bố' || p.relation === 'Mẹ');
    for (const p of f.people) {
      if (!p.clean) continue;
      const rng = p.rng('civil-status');
      const parents =
        p.relation === 'Con'
          ? couple
          : p === f.head || ['Anh', 'Chị', 'Em'].includes(p.relation)
            ? grandparents
            : [];
      const inHousehold = (g: Gender) => parents.find((x) => x.gender === g);
      const real = (g: Gender) => {
        const x = inHousehold(g);
        return x ? partyOf(x) : null;
      };
      const surname = surnameOf(p.fullName!);
      const father =
        real(1) ??
        (p.relation === 'Con' && !inHousehold(1) && rng.chance(0.3)
          ? null
          : invented(rng, 1, p.birthYear - rng.int(24, 36), surname));
      const mother = real(2) ?? invented(rng, 2, p.birthYear - rng.int(20, 33), randomSurname(rng));
      const born = p.dateOfBirth!;
      const registered = minDate(dateBetween(rng, addDays(born, 3), addDays(born, 60)), DEMO_TODAY);
      const birthProvince = province(p.birthProvince);
      const row: BirthRow = {
        id: ++ids.birth,
        so_dang_ky: registers.number('KS', p.birthProvince, registered),
        quyen_so: `01/${registered.slice(0, 4)}`,
        ngay_dang_ky: registered,
        noi_dang_ky:
          p.birthProvince === f.place.before.province.code ? office(f) : `Ủy ban nhân dân ${birthProvince}`,
        ...personColumns(p),
        noi_sinh:
          p.birthYear >= 1995 && rng.chance(0.85)
            ? `Bệnh viện đa khoa ${birthProvince}`
            : p.birthProvince === f.place.before.province.code
              ? `${f.place.before.commune.name}, ${f.place.before.district.name}, ${birthProvince}`
              : birthProvince,
        ho_ten_cha: father?.name ?? null,
        so_dinh_danh_cha: father?.id ?? null,
        ho_ten_me: mother.name,
        so_dinh_danh_me: mother.id,
        ngay_cap_nhat: touched(rng, registered),
        da_xoa: false,
        ngay_xoa: null,
      };
      yield { table: 'khai_sinh', row, main: true };
      if (p.deceasedOn) later.push(death(f, rng, partyOf(p)!, p.deceasedOn));
      const alone =
        !(couple.length === 2 && couple.includes(p)) &&
        !(grandparents.length === 2 && grandparents.includes(p));
      const age = ageOn(born);
      if (!alone || age < 28) continue;
      const otherGender: Gender = p.gender === 1 ? 2 : 1;
      const spouseYear = p.birthYear + rng.int(-4, 4);
      const married = minDate(dateIn(rng, p.birthYear + rng.int(21, 30)), DEMO_TODAY);
      if ((p === f.head || grandparents.includes(p)) && age >= 60 && rng.chance(0.5)) {
        const late = invented(rng, otherGender, spouseYear, undefined, true);
        const diedOn = dateBetween(rng, addDays(married, 3650), '2026-05-31');
        later.push(marriage(f, rng, partyOf(p)!, late, married, null), death(f, rng, late, diedOn));
      } else if (rng.chance(0.06)) {
        const former = invented(rng, otherGender, spouseYear, undefined, rng.chance(0.5));
        const divorced = minDate(dateBetween(rng, addDays(married, 700), addDays(married, 5500)), DEMO_TODAY);
        later.push(marriage(f, rng, partyOf(p)!, former, married, divorced));
      }
    }
    for (const pair of [couple, grandparents]) {
      const [a, b] = pair;
      if (!a || !b || pair.length !== 2 || a.gender === b.gender) continue;
      const partyA = partyOf(a);
      const partyB = partyOf(b);
      if (!partyA || !partyB) continue;
      const rng = a.rng('civil-status/marriage');
      const on = minDate(dateIn(rng, Math.max(a.birthYear, b.birthYear) + rng.int(20, 28)), DEMO_TODAY);
      later.unshift(marriage(f, rng, partyA, partyB, on, null));
    }
    yield* later;
  }
}

const minDate = (a: string, b: string) => (a < b ? a : b);
