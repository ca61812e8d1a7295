import { describe, expect, it } from 'vitest';
import type { BirthRow, DeathRow, MarriageRow } from './civil-status.js';
import { civilStatusRows } from './civil-status.js';
import type { LicenceRow } from './driving-licences.js';
import { drivingLicenceRows } from './driving-licences.js';
import { loadGeography } from './geography.js';
import type { ConvictionRow, JudicialRow } from './judicial-records.js';
import { judicialRecordRows } from './judicial-records.js';
import { ageOn, families, type TableRow } from './lives.js';
import type { CardRow, InsuredRow } from './social-insurance.js';
import { socialInsuranceRows } from './social-insurance.js';

const geography = loadGeography();
const opts = { count: 1500, seed: 3, geography };
const tables = (rows: Iterable<TableRow>) => {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const { table, row } of rows) {
    out[table] ??= [];
    out[table].push(row as Record<string, unknown>);
  }
  return out;
};
const people = [...families(opts)].flatMap((f) => f.people);
const citizens = new Map(people.filter((p) => p.clean).map((p) => [p.personalId!, p]));

describe('the ministries’ databases drawn from one population', () => {
  it('are deterministic for a seed', () => {
    expect(tables(civilStatusRows(opts))).toEqual(tables(civilStatusRows(opts)));
    expect(tables(socialInsuranceRows({ ...opts, seed: 4 }))).not.toEqual(tables(socialInsuranceRows(opts)));
  });

  it('register the births of the citizens, their parents being citizens where they live with them', () => {
    const civil = tables(civilStatusRows(opts));
    const births = civil.khai_sinh as unknown as BirthRow[];
    expect(births.map((b) => b.so_dinh_danh).sort()).toEqual([...citizens.keys()].sort());
    for (const b of births) {
      for (const parent of [b.so_dinh_danh_cha, b.so_dinh_danh_me]) {
        if (parent) expect(citizens.has(parent), parent).toBe(true);
      }
      expect(b.ngay_dang_ky >= b.ngay_sinh).toBe(true);
    }
    const young = births.filter((b) => ageOn(b.ngay_sinh) < 6 && b.so_dinh_danh_cha && b.so_dinh_danh_me);
    expect(young.length).toBeGreaterThan(40);
    for (const child of young) {
      expect(citizens.get(child.so_dinh_danh_cha!)!.gender).toBe(1);
      expect(citizens.get(child.so_dinh_danh_me!)!.row.so_ho).toBe(
        citizens.get(child.so_dinh_danh)!.row.so_ho,
      );
    }

    const marriages = civil.ket_hon as unknown as MarriageRow[];
    const couples = marriages.filter(
      (m) => !m.ngay_ly_hon && citizens.has(m.so_dinh_danh_chong!) && citizens.has(m.so_dinh_danh_vo!),
    );
    expect(couples.length).toBeGreaterThan(200);
    for (const m of couples) {
      expect(citizens.get(m.so_dinh_danh_chong!)!.row.so_ho).toBe(
        citizens.get(m.so_dinh_danh_vo!)!.row.so_ho,
      );
    }
    expect(marriages.some((m) => m.ngay_ly_hon)).toBe(true);

    const deaths = civil.khai_tu as unknown as DeathRow[];
    const died = deaths.filter((d) => citizens.has(d.so_dinh_danh));
    expect(died.length).toBeGreaterThan(0);
    expect(died.length).toBeLessThan(citizens.size * 0.05);
    for (const d of died) {
      expect(d.ngay_mat).toBe(citizens.get(d.so_dinh_danh)!.deceasedOn);
      expect(d.ngay_mat > citizens.get(d.so_dinh_danh)!.dateOfBirth!).toBe(true);
    }
  });

  it('give most citizens a social insurance number, free cards to children under 6', () => {
    const si = tables(socialInsuranceRows(opts));
    const insured = si.nguoi_tham_gia as unknown as InsuredRow[];
    expect(insured.length).toBeGreaterThan(citizens.size * 0.8);
    expect(new Set(insured.map((r) => r.ma_so_bhxh)).size).toBe(insured.length);
    for (const r of insured) expect(citizens.get(r.so_dinh_danh)!.fullName).toBe(r.ho_ten);
    const byNumber = new Map(insured.map((r) => [r.ma_so_bhxh, r]));
    for (const card of si.the_bhyt as unknown as CardRow[]) {
      const age = ageOn(byNumber.get(card.ma_so_bhxh)!.ngay_sinh);
      expect(card.ma_doi_tuong === 'TE').toBe(age < 6);
    }
  });

  it('keep judicial records of living adults, mostly clean, and licences of adults only', () => {
    const jr = tables(judicialRecordRows(opts));
    const records = jr.ly_lich as unknown as JudicialRow[];
    const convicted = new Set((jr.an_tich as unknown as ConvictionRow[]).map((c) => c.ly_lich_id));
    expect(convicted.size).toBeGreaterThan(0);
    expect(convicted.size).toBeLessThan(records.length * 0.08);
    for (const r of records) {
      const p = citizens.get(r.so_dinh_danh)!;
      expect(p.deceasedOn).toBeNull();
      expect(ageOn(r.ngay_sinh)).toBeGreaterThanOrEqual(18);
    }
    const licences = tables(drivingLicenceRows(opts)).giay_phep_lai_xe as unknown as LicenceRow[];
    expect(new Set(licences.map((l) => l.so_gplx)).size).toBe(licences.length);
    for (const l of licences) {
      expect(ageOn(l.ngay_sinh, l.ngay_cap)).toBeGreaterThanOrEqual(18);
      expect(l.ngay_het_han === null).toBe(['A', 'A1'].includes(l.hang));
    }
  });
});
