import { loadGeography } from './geography.js';
import { addDays, ageOn, DEMO_TODAY, dateBetween, families, personColumns, type TableRow } from './lives.js';
import type { Gender } from './names.js';
import type { GeneratorOptions } from './population.js';
import { scramble, Weighted } from './random.js';
import { DEFAULT_UPDATED_BETWEEN, REORGANISATION, updateClock } from './timeline.js';

/** A row of `giay_phep_lai_xe`: one licence number per person, its class the highest held. */
export interface LicenceRow {
  id: number;
  so_gplx: string;
  so_dinh_danh: string;
  ho_ten: string;
  ngay_sinh: string;
  gioi_tinh: Gender;
  hang: string;
  ngay_cap: string;
  ngay_het_han: string | null;
  noi_cap: string;
  ngay_cap_nhat: string;
  da_xoa: boolean;
  ngay_xoa: string | null;
}

/** Classes with how many years a licence of the class is valid (0: it does not expire). */
const CLASSES = new Weighted<[string, number]>([
  [['A', 0], 52],
  [['A1', 0], 5],
  [['B', 10], 30],
  [['C', 5], 7],
  [['D', 5], 3],
  [['CE', 5], 3],
]);
/** Licences were issued by the Departments of Transport until 1 March 2025, then by the traffic police. */
const POLICE_FROM = '2025-03-01';

/**
 * The driving-licence database of the same population (same count and seed): a licence for most
 * living adult men and many women the population holds cleanly; classes that expire were renewed
 * within their validity. Yields `giay_phep_lai_xe`.
 */
export function* drivingLicenceRows(opts: GeneratorOptions): Generator<TableRow> {
  const geography = opts.geography ?? loadGeography();
  const clock = updateClock(opts.count, opts.updatedBetween ?? DEFAULT_UPDATED_BETWEEN);
  let licences = 0;
  for (const f of families({ count: opts.count, seed: opts.seed, geography })) {
    for (const p of f.people) {
      if (!p.clean || p.deceasedOn || ageOn(p.dateOfBirth!) < 18) continue;
      const rng = p.rng('driving-licences');
      if (!rng.chance(p.gender === 1 ? 0.7 : 0.45)) continue;
      const [licenceClass, years] = CLASSES.sample(rng);
      const adult = addDays(p.dateOfBirth!, 18 * 366);
      const earliest =
        years > 0 && addDays(DEMO_TODAY, -years * 365 + 30) > adult
          ? addDays(DEMO_TODAY, -years * 365 + 30)
          : adult;
      const issued = dateBetween(rng, earliest, addDays(DEMO_TODAY, -1));
      const expires =
        years > 0 ? addDays(`${Number(issued.slice(0, 4)) + years}${issued.slice(4)}`, -1) : null;
      const reorganised = `${issued} 00:00:00` >= REORGANISATION;
      const province = reorganised ? f.place.after.province.name : f.place.before.province.name;
      const id = ++licences;
      const row: LicenceRow = {
        id,
        so_gplx: `${f.place.before.province.code}${String(scramble(id - 1, 1_000_000_000, 577_215)).padStart(9, '0')}${rng.int(0, 9)}`,
        ...personColumns(p),
        hang: licenceClass,
        ngay_cap: issued,
        ngay_het_han: expires,
        noi_cap:
          issued < POLICE_FROM
            ? `Sở Giao thông vận tải ${province}`
            : `Phòng Cảnh sát giao thông Công an ${province}`,
        ngay_cap_nhat: clock(rng),
        da_xoa: false,
        ngay_xoa: null,
      };
      yield { table: 'giay_phep_lai_xe', row, main: true };
    }
  }
}
