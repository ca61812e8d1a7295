import { createHash } from 'node:crypto';
import type { Geography, Place } from './geography.js';
import { decodePersonalId } from './identifiers.js';
import type { Gender } from './names.js';
import { type HouseholdSourceRow, type PopulationSourceRow, populationHouseholds } from './population.js';
import { Rng } from './random.js';

/** The day the demo's ministry databases describe: ages, deaths and card validity are as of it. */
export const DEMO_TODAY = '2026-06-30';
const DEATHS_FROM = '2015-01-01';

/** A generated source row and its table; `main` marks the rows of the dataset's main table. */
export interface TableRow {
  table: string;
  row: object;
  main: boolean;
}

/** A citizen of the generated population, as the other ministries' databases know them. */
export interface Person {
  row: PopulationSourceRow;
  /**
   * False for rows the population source holds dirty (soft-deleted, an invalid ID number, no name
   * or no date of birth): the other ministries hold no record of them, and name them only by what
   * is certain.
   */
  clean: boolean;
  /** The 12-digit number when it is valid, else null. */
  personalId: string | null;
  /** NFC, single spaces, trimmed; null when the source has none. */
  fullName: string | null;
  dateOfBirth: string | null;
  gender: Gender;
  birthYear: number;
  /** Province of birth registration (the ID number's first digits), else the household's. */
  birthProvince: string;
  /** Relation to the head of household as the population source writes it (`Chủ hộ`, `Vợ`, `Con`…). */
  relation: string;
  /** Date of death when the person has died (a few, mostly the oldest), else null. */
  deceasedOn: string | null;
  /**
   * A generator of this person's own for one purpose (`salt`: the dataset), so a dataset draws the
   * same facts about them whichever other datasets are generated, and the datasets' draws do not
   * move together.
   */
  rng: (salt: string) => Rng;
}

/**
 * The columns naming a person the population holds cleanly in another ministry's register (birth
 * registrations, insured people, judicial records, driving licences): the same ID number, name,
 * date of birth and gender.
 */
export const personColumns = (p: Person) => ({
  so_dinh_danh: p.personalId!,
  ho_ten: p.fullName!,
  ngay_sinh: p.dateOfBirth!,
  gioi_tinh: p.gender,
});

/** A household of the population source with its members as `Person`s. */
export interface Family {
  household: HouseholdSourceRow;
  place: Place;
  people: Person[];
  head: Person;
  /** The head's spouse when the household has one. */
  spouse: Person | undefined;
}

export interface LivesOptions {
  count: number;
  seed?: number;
  geography: Geography;
}

const DAY = 86_400_000;
const toDays = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const fromDays = (days: number) => new Date(days * DAY).toISOString().slice(0, 10);

/** A date between two dates (inclusive), or `from` when the range is empty. */
export function dateBetween(rng: Rng, from: string, to: string): string {
  const a = toDays(from);
  const b = toDays(to);
  return fromDays(b <= a ? a : rng.int(a, b));
}

/** `date` moved by whole days. */
export const addDays = (date: string, days: number) => fromDays(toDays(date) + days);

/** Age in whole years on `on`. */
export function ageOn(dateOfBirth: string, on = DEMO_TODAY): number {
  const years = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return on.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/** Chance of having died by DEMO_TODAY, by age: rare, except for the very old. */
function deathChance(age: number): number {
  if (age >= 90) return 0.6;
  if (age >= 75) return 0.08;
  if (age >= 40) return 0.008;
  return 0.002;
}

/**
 * The population of `populationHouseholds` (same count and seed), family by family, with what the
 * other ministries' databases need to agree on: who is who (clean rows only), and who has died.
 * Each person's facts come from a generator seeded by the person, so every dataset drawn from the
 * same population tells the same story, whichever dataset is generated first.
 */
export function* families(opts: LivesOptions): Generator<Family> {
  const provinces = new Set(opts.geography.provinceCodes);
  const seed = opts.seed ?? 1;
  for (const { household, members, place } of populationHouseholds(opts)) {
    const people = members.map((row): Person => {
      const decoded = decodePersonalId(row.so_dinh_danh, provinces);
      const fullName = row.ho_ten?.normalize('NFC').replace(/\s+/g, ' ').trim() || null;
      const birthYear = row.ngay_sinh ? Number(row.ngay_sinh.slice(0, 4)) : (decoded?.birthYear ?? 1970);
      const rng = (salt: string) =>
        new Rng(createHash('sha256').update(`${seed}/${row.id}/${salt}`).digest().readUInt32LE(0));
      const fate = rng('death');
      const dead =
        row.ngay_sinh !== null && fate.chance(deathChance(ageOn(row.ngay_sinh)))
          ? dateBetween(
              fate,
              row.ngay_sinh > DEATHS_FROM ? addDays(row.ngay_sinh, 30) : DEATHS_FROM,
              '2026-05-31',
            )
          : null;
      return {
        row,
        clean: !row.da_xoa && decoded !== undefined && fullName !== null && row.ngay_sinh !== null,
        personalId: decoded ? row.so_dinh_danh : null,
        fullName,
        dateOfBirth: row.ngay_sinh,
        gender: row.gioi_tinh,
        birthYear,
        birthProvince: decoded?.provinceCode ?? place.before.province.code,
        relation: row.quan_he_chu_ho,
        deceasedOn: dead,
        rng,
      };
    });
    const head = people[0]!;
    const spouse = people.find((p) => p.relation === 'Vợ' || p.relation === 'Chồng');
    yield { household, place, people, head, spouse };
  }
}
