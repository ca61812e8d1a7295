import { describe, expect, it } from 'vitest';
import { loadDatasets } from '../../hub/modules/records/index.js';
import { type BusinessSourceRow, businessRows } from './business.js';
import { rowDefects } from './defects.js';
import { loadGeography } from './geography.js';
import { type ParcelSourceRow, parcelRows } from './parcels.js';

const datasets = loadDatasets();
const geography = loadGeography();
const provinces = new Set(geography.provinceCodes);

const LEGAL_FORMS: Record<string, string> = {
  'Công ty trách nhiệm hữu hạn một thành viên': 'single-member-llc',
  'Công ty trách nhiệm hữu hạn hai thành viên trở lên': 'multi-member-llc',
  'Công ty cổ phần': 'joint-stock-company',
  'Doanh nghiệp tư nhân': 'private-enterprise',
  'Công ty hợp danh': 'partnership',
};
const STATUSES: Record<string, string> = {
  'Đang hoạt động': 'active',
  'Tạm ngừng kinh doanh': 'suspended',
  'Đang làm thủ tục giải thể': 'dissolving',
  'Đã giải thể': 'dissolved',
};

/** The mapping a connector performs, written out to show the hub schemas fit the source rows. */
const business = (r: BusinessSourceRow) => ({
  enterpriseCode: r.ma_so_doanh_nghiep,
  name: r.ten,
  legalForm: LEGAL_FORMS[r.loai_hinh],
  status: STATUSES[r.trang_thai],
  headOffice: { address: r.dia_chi, communeCode: r.ma_xa, provinceCode: r.ma_tinh },
  foundedOn: r.ngay_thanh_lap,
  charterCapital: r.von_dieu_le,
  mainActivity: r.nganh_nghe_chinh,
  representativeName: r.nguoi_dai_dien?.normalize('NFC').trim(),
  representativePersonalId: r.so_dinh_danh_nguoi_dai_dien,
});

const parcel = (r: ParcelSourceRow) => ({
  parcelId: r.ma_thua,
  communeCode: r.ma_xa,
  provinceCode: r.ma_tinh,
  mapSheet: r.so_to,
  parcelNumber: r.so_thua,
  area: Number(r.dien_tich),
  landUse: r.muc_dich_su_dung,
  address: r.dia_chi,
  certificateNumber: r.so_giay_chung_nhan,
  certificateIssuedOn: r.ngay_cap_giay,
  ownerName: r.chu_su_dung?.normalize('NFC').trim(),
  ownerPersonalId: r.so_dinh_danh_chu_su_dung,
});

describe('hub dataset schemas for the business registry and land parcels', () => {
  it('load with their key, subject and personal fields', () => {
    const b = datasets.get('business-registry')!;
    expect(b.key).toBe('enterpriseCode');
    expect(b.subject).toEqual({ field: 'representativePersonalId', kind: 'citizen', unique: false });
    expect([...b.personalFields].sort()).toEqual(['representativeName', 'representativePersonalId']);
    const p = datasets.get('land-parcels')!;
    expect(p.key).toBe('parcelId');
    expect(p.subject).toEqual({ field: 'ownerPersonalId', kind: 'citizen', unique: false });
    expect([...p.personalFields].sort()).toEqual(['ownerName', 'ownerPersonalId']);
  });

  it('accept mapped clean rows and reject rows with malformed ID numbers or missing names', () => {
    const cases = [
      {
        def: datasets.get('business-registry')!,
        rows: [...businessRows({ count: 3000, geography })].map((r) => [r, business(r)] as const),
        dataset: 'business-registry' as const,
      },
      {
        def: datasets.get('land-parcels')!,
        rows: [...parcelRows({ count: 3000, geography })].map((r) => [r, parcel(r)] as const),
        dataset: 'land-parcels' as const,
      },
    ];
    for (const { def, rows, dataset } of cases) {
      let rejected = 0;
      for (const [source, record] of rows) {
        const malformedId = !/^[0-9]{12}$/.test(String(record[def.subject!.field as keyof typeof record]));
        const dead = malformedId || rowDefects(dataset, source, provinces).includes('missing-required');
        const valid = def.validate(record);
        expect({ source, valid, errors: def.validate.errors }).toMatchObject({ valid: !dead });
        if (!valid) rejected++;
      }
      expect(rejected).toBeGreaterThan(0);
      expect(rejected).toBeLessThan(rows.length * 0.02);
    }
  });
});
