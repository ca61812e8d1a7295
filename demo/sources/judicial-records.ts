import { loadGeography } from './geography.js';
import { addDays, ageOn, DEMO_TODAY, dateBetween, families, personColumns, type TableRow } from './lives.js';
import type { Gender } from './names.js';
import type { GeneratorOptions } from './population.js';
import { Weighted } from './random.js';
import { DEFAULT_UPDATED_BETWEEN, REORGANISATION, updateClock } from './timeline.js';

/** A row of `ly_lich` (one judicial record per adult). */
export interface JudicialRow {
  id: number;
  so_dinh_danh: string;
  ho_ten: string;
  ngay_sinh: string;
  gioi_tinh: Gender;
  cam_dam_nhiem_chuc_vu: boolean;
  ngay_cap_nhat: string;
  da_xoa: boolean;
  ngay_xoa: string | null;
}

/** A row of `an_tich`: one conviction of a record, expunged or not. */
export interface ConvictionRow {
  id: number;
  ly_lich_id: number;
  so_ban_an: string;
  toa_an: string;
  ngay_tuyen_an: string;
  toi_danh: string;
  hinh_phat: string;
  /** Months the sentence runs (0 for a fine). */
  thoi_han_thang: number;
  da_chap_hanh_xong: boolean;
  da_xoa_an_tich: boolean;
  ngay_cap_nhat: string;
}

/** Offences of the Penal Code with sentences and how many months each runs. */
const OFFENCES = new Weighted<[string, [string, number][]]>([
  [
    [
      'Trộm cắp tài sản (Điều 173 Bộ luật Hình sự)',
      [
        ['9 tháng tù', 9],
        ['1 năm tù', 12],
        ['2 năm tù cho hưởng án treo', 24],
      ],
    ],
    30,
  ],
  [
    [
      'Đánh bạc (Điều 321 Bộ luật Hình sự)',
      [
        ['Phạt tiền 20.000.000 đồng', 0],
        ['6 tháng tù cho hưởng án treo', 6],
      ],
    ],
    20,
  ],
  [
    [
      'Cố ý gây thương tích (Điều 134 Bộ luật Hình sự)',
      [
        ['1 năm 6 tháng tù', 18],
        ['2 năm tù', 24],
      ],
    ],
    15,
  ],
  [
    [
      'Vi phạm quy định về tham gia giao thông đường bộ (Điều 260 Bộ luật Hình sự)',
      [
        ['1 năm tù cho hưởng án treo', 12],
        ['Cải tạo không giam giữ 1 năm', 12],
      ],
    ],
    15,
  ],
  [
    [
      'Lừa đảo chiếm đoạt tài sản (Điều 174 Bộ luật Hình sự)',
      [
        ['2 năm 6 tháng tù', 30],
        ['3 năm tù', 36],
      ],
    ],
    10,
  ],
  [['Tàng trữ trái phép chất ma túy (Điều 249 Bộ luật Hình sự)', [['2 năm tù', 24]]], 7],
  [
    [
      'Vi phạm quy định về kế toán gây hậu quả nghiêm trọng (Điều 221 Bộ luật Hình sự)',
      [['Phạt tiền 50.000.000 đồng', 0]],
    ],
    3,
  ],
]);

/**
 * The judicial-record database of the same population (same count and seed): a record for every
 * living adult the population holds cleanly, nearly all clean; about 4% with one or two convictions,
 * the older ones served and often expunged, and a quarter of those still on record banned from
 * holding positions. Yields `ly_lich` (main) and `an_tich`.
 */
export function* judicialRecordRows(opts: GeneratorOptions): Generator<TableRow> {
  const geography = opts.geography ?? loadGeography();
  const clock = updateClock(opts.count, opts.updatedBetween ?? DEFAULT_UPDATED_BETWEEN);
  let records = 0;
  let convictions = 0;
  for (const f of families({ count: opts.count, seed: opts.seed, geography })) {
    for (const p of f.people) {
      if (!p.clean || p.deceasedOn || ageOn(p.dateOfBirth!) < 18) continue;
      const rng = p.rng('judicial-records');
      const id = ++records;
      const judged: ConvictionRow[] = [];
      if (rng.chance(0.04)) {
        for (let n = rng.chance(0.8) ? 1 : 2; n > 0; n--) {
          const [offence, sentences] = OFFENCES.sample(rng);
          const [sentence, months] = rng.pick(sentences);
          const on = dateBetween(rng, addDays(p.dateOfBirth!, 18 * 366), addDays(DEMO_TODAY, -30));
          const served = addDays(on, months * 30) < DEMO_TODAY;
          const court =
            `${on}T00:00:00` >= REORGANISATION.replace(' ', 'T')
              ? `Tòa án nhân dân khu vực ${rng.int(1, 12)} - ${f.place.after.province.name}`
              : `Tòa án nhân dân ${f.place.before.district.name}`;
          judged.push({
            id: ++convictions,
            ly_lich_id: id,
            so_ban_an: `${rng.int(1, 350)}/${on.slice(0, 4)}/HS-ST`,
            toa_an: court,
            ngay_tuyen_an: on,
            toi_danh: offence,
            hinh_phat: sentence,
            thoi_han_thang: months,
            da_chap_hanh_xong: served,
            da_xoa_an_tich: served && addDays(on, 8 * 365) < DEMO_TODAY && rng.chance(0.7),
            ngay_cap_nhat: `${addDays(on, 20)} 10:00:00`,
          });
        }
      }
      const onRecord = judged.some((c) => !c.da_xoa_an_tich);
      const updated = clock(rng);
      const row: JudicialRow = {
        id,
        ...personColumns(p),
        cam_dam_nhiem_chuc_vu: onRecord && rng.chance(0.25),
        ngay_cap_nhat: updated,
        da_xoa: false,
        ngay_xoa: null,
      };
      yield { table: 'ly_lich', row, main: true };
      for (const c of judged) yield { table: 'an_tich', row: c, main: false };
    }
  }
}
