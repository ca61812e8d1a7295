import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorAcceptance, sqliteFixtureSource, syncedFixture } from '../acceptance.js';

connectorAcceptance({ name: 'social-insurance-sql', source: sqliteFixtureSource('social-insurance-sql') });

describe('social-insurance-sql on its fixture', () => {
  let synced: Awaited<ReturnType<typeof syncedFixture>>;
  beforeAll(async () => {
    synced = await syncedFixture('social-insurance-sql');
  });
  afterAll(async () => synced?.close());

  it('joins each insured person to the current card and its facility', () => {
    expect(synced.counts).toMatchObject({ read: 29, upserted: 29, rejected: 0 });
    const carded = synced.records.filter((r) => r.healthInsuranceCardNumber !== undefined);
    expect(carded.length).toBe(25);
    for (const r of carded) {
      expect(String(r.healthInsuranceCardNumber)).toMatch(
        new RegExp(`^${r.beneficiaryGroup}[1-5]\\d{2}${r.socialInsuranceNumber}$`),
      );
      expect(String(r.initialHealthcareFacility)).toMatch(/^(Trạm Y tế|Bệnh viện Đa khoa) /);
      expect(String(r.cardValidFrom) <= String(r.cardValidTo)).toBe(true);
    }
    for (const r of synced.records.filter((r) => r.beneficiaryGroup === 'TE')) {
      const sixth = `${Number(String(r.dateOfBirth).slice(0, 4)) + 6}${String(r.dateOfBirth).slice(4)}`;
      expect(String(r.cardValidTo) < sixth).toBe(true);
    }
  });
});
