import { fullAddress, type Geography, loadGeography, streetAddress } from './geography.js';
import { enterpriseCode } from './identifiers.js';
import { type PopulationSourceRow, populationHouseholds } from './population.js';
import { Rng, Weighted } from './random.js';
import { DEFAULT_UPDATED_BETWEEN, dateIn, REORGANISATION, updateClock } from './timeline.js';

/** A row of `doanh_nghiep` (national business registration database). */
export interface BusinessSourceRow {
  id: number;
  ma_so_doanh_nghiep: string;
  ten: string;
  loai_hinh: string;
  dia_chi: string;
  ma_xa: string;
  ma_tinh: string;
  ngay_thanh_lap: string;
  von_dieu_le: number;
  nganh_nghe_chinh: string;
  nguoi_dai_dien: string | null;
  so_dinh_danh_nguoi_dai_dien: string;
  trang_thai: string;
  ngay_cap_nhat: string;
  da_xoa: boolean;
  ngay_xoa: string | null;
}

export interface LinkedGeneratorOptions {
  count: number;
  seed?: number;
  startId?: number;
  geography?: Geography;
  updatedBetween?: readonly [string, string];
}

const LEGAL_FORMS = new Weighted<[string, string]>([
  [['Công ty trách nhiệm hữu hạn một thành viên', 'Công ty TNHH'], 45],
  [['Công ty trách nhiệm hữu hạn hai thành viên trở lên', 'Công ty TNHH'], 20],
  [['Công ty cổ phần', 'Công ty Cổ phần'], 25],
  [['Doanh nghiệp tư nhân', 'Doanh nghiệp tư nhân'], 9],
  [['Công ty hợp danh', 'Công ty Hợp danh'], 1],
]);

/** Trade with its VSIC 2018 main activity code. */
const TRADES = Weighted.ranked<[string, string]>([
  ['Thương mại', '4690'],
  ['Thương mại và Dịch vụ', '4659'],
  ['Xây dựng', '4100'],
  ['Đầu tư', '6810'],
  ['Công nghệ', '6201'],
  ['Sản xuất', '2599'],
  ['Vận tải', '4933'],
  ['Xuất nhập khẩu', '4610'],
  ['Thực phẩm', '1079'],
  ['Nông sản', '4620'],
  ['Du lịch', '7911'],
  ['Tư vấn', '7020'],
  ['May mặc', '1410'],
  ['Cơ khí', '2592'],
]);

const BRAND_SYLLABLES = [
  'Minh',
  'Phát',
  'Hoàng',
  'Long',
  'Thành',
  'Đạt',
  'An',
  'Phú',
  'Hưng',
  'Thịnh',
  'Việt',
  'Tín',
  'Nam',
  'Sao',
  'Mai',
  'Hải',
  'Âu',
  'Tân',
  'Bình',
  'Gia',
  'Kim',
  'Quang',
  'Trường',
  'Sơn',
  'Hà',
];

const STATUSES = new Weighted<string>([
  ['Đang hoạt động', 80],
  ['Tạm ngừng kinh doanh', 8],
  ['Đang làm thủ tục giải thể', 4],
  ['Đã giải thể', 8],
]);

export const SOFT_DELETED_RATE = 0.01;

/** Adults of the population generated with the same seed, in id order: linked records across databases. */
export function* adultsOf(
  opts: LinkedGeneratorOptions & { geography: Geography },
): Generator<PopulationSourceRow> {
  const people = populationHouseholds({ ...opts, count: opts.count * 4 + 10 });
  for (const { members } of people) {
    for (const m of members) if (m.ngay_sinh === null || m.ngay_sinh < '2006') yield m;
  }
}

/** Enterprises whose legal representatives are citizens of `populationRows` with the same seed. */
export function* businessRows(opts: LinkedGeneratorOptions): Generator<BusinessSourceRow> {
  const rng = new Rng((opts.seed ?? 1) ^ 0x5b15);
  const geo = opts.geography ?? loadGeography();
  const startId = opts.startId ?? 1;
  const clock = updateClock(opts.count, opts.updatedBetween ?? DEFAULT_UPDATED_BETWEEN);
  const representatives = adultsOf({ ...opts, geography: geo });
  for (let i = 0; i < opts.count; i++) {
    const id = startId + i;
    const person = representatives.next().value as PopulationSourceRow;
    const place = rng.pick(geo.places);
    const [legalForm, prefix] = LEGAL_FORMS.sample(rng);
    const [trade, activity] = TRADES.sample(rng);
    const brand = `${rng.pick(BRAND_SYLLABLES)} ${rng.pick(BRAND_SYLLABLES)}`;
    const updatedAt = clock(rng);
    const reorganised = updatedAt >= REORGANISATION;
    const deleted = rng.chance(SOFT_DELETED_RATE);
    yield {
      id,
      ma_so_doanh_nghiep: enterpriseCode(place.before.province.code, id - 1, rng.int(0, 9)),
      ten: `${prefix} ${trade} ${brand}`,
      loai_hinh: legalForm,
      dia_chi: fullAddress(streetAddress(rng, place), place, reorganised),
      ma_xa: reorganised ? place.after.commune.code : place.before.commune.code,
      ma_tinh: reorganised ? place.after.province.code : place.before.province.code,
      ngay_thanh_lap: dateIn(rng, rng.int(1995, 2025)),
      von_dieu_le: Math.round(10 ** (2 + rng.next() * 3)) * 1_000_000,
      nganh_nghe_chinh: activity,
      nguoi_dai_dien: person.ho_ten,
      so_dinh_danh_nguoi_dai_dien: person.so_dinh_danh,
      trang_thai: STATUSES.sample(rng),
      ngay_cap_nhat: updatedAt,
      da_xoa: deleted,
      ngay_xoa: deleted ? updatedAt : null,
    };
  }
}
