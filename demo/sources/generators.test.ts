import { beforeAll, describe, expect, it } from 'vitest';
import { businessRows } from './business.js';
import { rowDefects } from './defects.js';
import { type Geography, loadGeography } from './geography.js';
import { decodePersonalId, isValidEnterpriseCode } from './identifiers.js';
import { parcelRows } from './parcels.js';
import {
  householdRows,
  type PopulationSourceRow,
  populationHouseholds,
  populationRows,
} from './population.js';

let geography: Geography;
let provinces: Set<string>;
let people: PopulationSourceRow[];
const COUNT = 20_000;

beforeAll(() => {
  geography = loadGeography();
  provinces = new Set(geography.provinceCodes);
  people = [...populationRows({ count: COUNT, seed: 7, geography })];
});

const share = (rows: unknown[], test: (r: never) => boolean) =>
  rows.filter(test as never).length / rows.length;

describe('population generator', () => {
  it('yields exactly the rows asked for, with consecutive ids from startId', () => {
    expect(people).toHaveLength(COUNT);
    expect(people[0]!.id).toBe(1);
    expect(people.at(-1)!.id).toBe(COUNT);
    const later = [...populationRows({ count: 5, seed: 7, startId: 1001, geography })];
    expect(later.map((r) => r.id)).toEqual([1001, 1002, 1003, 1004, 1005]);
  });

  it('is deterministic: the same seed gives the same rows, another seed other rows', () => {
    expect([...populationRows({ count: COUNT, seed: 7, geography })]).toEqual(people);
    const other = [...populationRows({ count: 500, seed: 8, geography })];
    expect(other.map((r) => r.so_dinh_danh)).not.toEqual(people.slice(0, 500).map((r) => r.so_dinh_danh));
  });

  it('gives unique personal ID numbers, also across runs with disjoint id ranges', () => {
    const more = [...populationRows({ count: COUNT, seed: 7, startId: COUNT + 1, geography })];
    const ids = new Set([...people, ...more].map((r) => r.so_dinh_danh));
    expect(ids.size).toBe(2 * COUNT);
  });

  it('encodes province of birth, century, gender and birth year in valid ID numbers', () => {
    const valid = people.filter((r) => !rowDefects('population', r, provinces).includes('invalid-id'));
    expect(valid.length).toBeGreaterThan(COUNT * 0.99);
    for (const r of valid) {
      const decoded = decodePersonalId(r.so_dinh_danh, provinces)!;
      expect(decoded.gender).toBe(r.gioi_tinh);
      if (r.ngay_sinh) expect(decoded.birthYear).toBe(Number(r.ngay_sinh.slice(0, 4)));
    }
    const born2000s = valid.find((r) => r.ngay_sinh && r.ngay_sinh >= '2000' && r.gioi_tinh === 2)!;
    expect(born2000s.so_dinh_danh[3]).toBe('3');
  });

  it('writes Vietnamese names with diacritics at realistic frequencies', () => {
    const names = people.map((r) => r.ho_ten?.normalize('NFC').trim()).filter((n): n is string => !!n);
    expect(share(names, (n: string) => n.startsWith('Nguyễn '))).toBeGreaterThan(0.3);
    expect(share(names, (n: string) => n.startsWith('Nguyễn '))).toBeLessThan(0.45);
    expect(share(names, (n: string) => /[^\x20-\x7e]/.test(n))).toBeGreaterThan(0.9);
    expect(share(names, (n: string) => n.split(' ').length >= 3)).toBe(1);
    const women = people.filter((r) => r.gioi_tinh === 2 && r.ho_ten);
    expect(share(women, (r: PopulationSourceRow) => r.ho_ten!.normalize('NFC').includes(' Văn '))).toBe(0);
  });

  it('carries dirt at low deterministic rates: NFD names, padded names, invalid ids, NULLs, soft deletes', () => {
    const defects = people.map((r) => rowDefects('population', r, provinces));
    const rate = (d: string) => defects.filter((list) => list.includes(d as never)).length / COUNT;
    expect(rate('decomposed-name')).toBeGreaterThan(0.01);
    expect(rate('decomposed-name')).toBeLessThan(0.03);
    expect(rate('padded-name')).toBeGreaterThan(0.005);
    expect(rate('invalid-id')).toBeGreaterThan(0.001);
    expect(rate('invalid-id')).toBeLessThan(0.006);
    expect(rate('missing-required')).toBeGreaterThan(0.0005);
    expect(rate('soft-deleted')).toBeGreaterThan(0.005);
    expect(share(defects, (d: string[]) => d.length === 0)).toBeGreaterThan(0.94);
    const nfd = people.find((r) => r.ho_ten && r.ho_ten !== r.ho_ten.normalize('NFC'))!;
    expect(nfd.ho_ten!.normalize('NFC')).not.toBe(nfd.ho_ten);
    const deleted = people.find((r) => r.da_xoa)!;
    expect(deleted.ngay_xoa).toBe(deleted.ngay_cap_nhat);
  });

  it('shares update instants among many rows, spanning the 2025 reorganisation', () => {
    const perInstant = new Map<string, number>();
    for (const r of people) perInstant.set(r.ngay_cap_nhat, (perInstant.get(r.ngay_cap_nhat) ?? 0) + 1);
    expect(Math.max(...perInstant.values())).toBeGreaterThan(50);
    const sorted = people.map((r) => r.ngay_cap_nhat);
    expect(sorted).not.toEqual([...sorted].sort());
    const before = people.filter((r) => r.ngay_cap_nhat < '2025-07-01');
    const after = people.filter((r) => r.ngay_cap_nhat >= '2025-07-01');
    expect(before.length).toBeGreaterThan(COUNT / 4);
    expect(after.length).toBeGreaterThan(COUNT / 4);
  });

  it('uses real commune codes: with a district before 1 July 2025, without after', () => {
    const oldCommunes = new Set(geography.places.map((p) => p.before.commune.code));
    const newCommunes = new Set(geography.places.map((p) => p.after.commune.code));
    for (const r of people.slice(0, 2000)) {
      if (r.ngay_cap_nhat < '2025-07-01') {
        expect(oldCommunes.has(r.ma_xa)).toBe(true);
        expect(r.ma_huyen).toMatch(/^[0-9]{3}$/);
        expect(r.dia_chi_thuong_tru).toMatch(/(Quận|Huyện|Thị xã|Thành phố) /);
      } else {
        expect(newCommunes.has(r.ma_xa)).toBe(true);
        expect(r.ma_huyen).toBeNull();
      }
    }
  });

  it('groups people in households of 1–6 with one head, sharing address and household number', () => {
    const households = [...populationHouseholds({ count: 5000, seed: 3, geography })];
    for (const { household, members } of households) {
      expect(members.length).toBeGreaterThanOrEqual(1);
      expect(members.length).toBeLessThanOrEqual(6);
      expect(household.so_thanh_vien).toBe(members.length);
      expect(members.filter((m) => m.quan_he_chu_ho === 'Chủ hộ')).toHaveLength(1);
      expect(new Set(members.map((m) => m.so_ho))).toEqual(new Set([household.so_ho]));
      expect(new Set(members.map((m) => m.dia_chi_thuong_tru)).size).toBe(1);
    }
    const sizes = new Set(households.map((h) => h.members.length));
    expect([...sizes].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const rows = [...householdRows({ count: 5000, seed: 3, geography })];
    expect(rows.map((h) => h.so_ho)).toEqual(households.map((h) => h.household.so_ho));
    expect(new Set(rows.map((h) => h.so_ho)).size).toBe(rows.length);
  });
});

describe('business registry and land parcel generators', () => {
  it('gives unique enterprise codes with valid check digits and real representatives', () => {
    const firms = [...businessRows({ count: 3000, seed: 7, geography })];
    expect(firms).toHaveLength(3000);
    expect(firms.every((f) => isValidEnterpriseCode(f.ma_so_doanh_nghiep))).toBe(true);
    expect(new Set(firms.map((f) => f.ma_so_doanh_nghiep)).size).toBe(3000);
    const citizens = new Set(people.map((p) => p.so_dinh_danh));
    expect(firms.every((f) => citizens.has(f.so_dinh_danh_nguoi_dai_dien))).toBe(true);
    expect([...businessRows({ count: 3000, seed: 7, geography })]).toEqual(firms);
  });

  it('gives unique parcel ids owned by household heads of the same seed', () => {
    const parcels = [...parcelRows({ count: 3000, seed: 7, geography })];
    expect(parcels).toHaveLength(3000);
    expect(new Set(parcels.map((p) => p.ma_thua)).size).toBe(3000);
    const heads = new Map(
      people.filter((p) => p.quan_he_chu_ho === 'Chủ hộ').map((p) => [p.so_dinh_danh, p]),
    );
    for (const p of parcels) {
      expect(heads.get(p.so_dinh_danh_chu_su_dung)?.ho_ten).toBe(p.chu_su_dung);
      expect(Number(p.dien_tich)).toBeGreaterThan(0);
      expect(p.ma_thua.startsWith(`${p.ma_thua.slice(0, 5)}-${p.so_to}-${p.so_thua}`)).toBe(true);
    }
  });
});
