import { type LinkedGeneratorOptions, SOFT_DELETED_RATE } from './business.js';
import { fullAddress, loadGeography, streetAddress } from './geography.js';
import { type Household, populationHouseholds } from './population.js';
import { Rng, scramble, Weighted } from './random.js';
import { DEFAULT_UPDATED_BETWEEN, dateIn, REORGANISATION, updateClock } from './timeline.js';

/** A row of `thua_dat` (land database). */
export interface ParcelSourceRow {
  id: number;
  ma_thua: string;
  so_to: number;
  so_thua: number;
  dien_tich: string;
  muc_dich_su_dung: string;
  dia_chi: string;
  ma_xa: string;
  ma_tinh: string;
  chu_su_dung: string | null;
  so_dinh_danh_chu_su_dung: string;
  so_giay_chung_nhan: string;
  ngay_cap_giay: string;
  ngay_cap_nhat: string;
  da_xoa: boolean;
  ngay_xoa: string | null;
}

/** Land-use codes (mã loại đất) with a plausible area range in m². */
const LAND_USES = new Weighted<[string, number, number]>([
  [['ONT', 80, 600], 30],
  [['LUC', 300, 3000], 20],
  [['CLN', 500, 8000], 15],
  [['BHK', 300, 3000], 10],
  [['NTS', 1000, 10000], 8],
  [['RSX', 5000, 50000], 7],
  [['TMD', 100, 2000], 2],
]);

const CERTIFICATE_SERIES = [
  'AA',
  'BA',
  'BC',
  'BD',
  'BK',
  'BL',
  'CA',
  'CE',
  'CH',
  'CK',
  'CS',
  'CT',
  'DA',
  'DB',
  'DE',
  'DK',
];
const OWNED = new Weighted<number>([
  [1, 60],
  [2, 30],
  [3, 10],
]);

/**
 * Parcels owned by the household heads of `populationRows` with the same seed, mostly in their own
 * commune. `ma_thua` is `<commune code before 2025>-<map sheet>-<parcel number>`, unique per id below 10^7.
 */
export function* parcelRows(opts: LinkedGeneratorOptions): Generator<ParcelSourceRow> {
  const rng = new Rng((opts.seed ?? 1) ^ 0x7a3d);
  const geo = opts.geography ?? loadGeography();
  const startId = opts.startId ?? 1;
  const clock = updateClock(opts.count, opts.updatedBetween ?? DEFAULT_UPDATED_BETWEEN);
  const households = populationHouseholds({ ...opts, geography: geo, count: opts.count * 4 + 10 });
  let id = startId;
  const end = startId + opts.count;
  while (id < end) {
    const { members, place: home } = households.next().value as Household;
    const owner = members[0]!;
    for (let n = OWNED.sample(rng); n > 0 && id < end; n--, id++) {
      const place = rng.chance(0.8) ? home : rng.pick(geo.places);
      const [code, min, max] = LAND_USES.sample(rng);
      const use = code === 'ONT' && place.before.commune.kind === 'Phường' ? 'ODT' : code;
      const sheetAndNumber = scramble((id - 1) % 10_000_000, 10_000_000, 662_607);
      const soTo = Math.floor(sheetAndNumber / 10_000) + 1;
      const soThua = (sheetAndNumber % 10_000) + 1;
      const updatedAt = clock(rng);
      const reorganised = updatedAt >= REORGANISATION;
      const deleted = rng.chance(SOFT_DELETED_RATE);
      yield {
        id,
        ma_thua: `${place.before.commune.code}-${soTo}-${soThua}`,
        so_to: soTo,
        so_thua: soThua,
        dien_tich: (min + rng.next() * (max - min)).toFixed(1),
        muc_dich_su_dung: use,
        dia_chi: fullAddress(streetAddress(rng, place), place, reorganised),
        ma_xa: reorganised ? place.after.commune.code : place.before.commune.code,
        ma_tinh: reorganised ? place.after.province.code : place.before.province.code,
        chu_su_dung: owner.ho_ten,
        so_dinh_danh_chu_su_dung: owner.so_dinh_danh,
        so_giay_chung_nhan: `${rng.pick(CERTIFICATE_SERIES)} ${String(rng.int(0, 999_999)).padStart(6, '0')}`,
        ngay_cap_giay: dateIn(rng, rng.int(1995, 2025)),
        ngay_cap_nhat: updatedAt,
        da_xoa: deleted,
        ngay_xoa: deleted ? updatedAt : null,
      };
    }
  }
}
