import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorAcceptance, sqliteFixtureSource, syncedFixture } from '../acceptance.js';

connectorAcceptance({ name: 'civil-status-sql', source: sqliteFixtureSource('civil-status-sql') });

describe('civil-status-sql on its fixture', () => {
  let synced: Awaited<ReturnType<typeof syncedFixture>>;
  beforeAll(async () => {
    synced = await syncedFixture('civil-status-sql');
  });
  afterAll(async () => synced?.close());
  const byId = () => new Map(synced.records.map((r) => [r.personalId as string, r]));

  it('makes one record per birth registration, with the latest marriage and any death', () => {
    expect(synced.counts).toMatchObject({ read: 40, upserted: 40, rejected: 0 });
    const statuses = new Set(synced.records.map((r) => r.maritalStatus));
    expect(statuses).toEqual(new Set(['single', 'married', 'divorced', 'widowed']));
    for (const r of synced.records) {
      expect(r.deceased === true, JSON.stringify(r)).toBe(r.dateOfDeath !== undefined);
      expect(r.deceased === true).toBe(r.deathRegistrationNumber !== undefined);
      expect(r.maritalStatus === 'single').toBe(r.spouseName === undefined);
    }
  });

  it('names spouses and parents who are citizens by their ID numbers, both ways for a couple', () => {
    const people = byId();
    const couples = synced.records.filter(
      (r) => r.maritalStatus === 'married' && people.has(r.spousePersonalId as string),
    );
    expect(couples.length).toBeGreaterThan(0);
    for (const r of couples) {
      const spouse = people.get(r.spousePersonalId as string)!;
      expect(spouse.spousePersonalId).toBe(r.personalId);
      expect(spouse.fullName).toBe(r.spouseName);
    }
    const children = synced.records.filter((r) => people.has(r.fatherPersonalId as string));
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      const father = people.get(child.fatherPersonalId as string)!;
      expect(father.fullName).toBe(child.fatherName);
      expect(String(father.dateOfBirth) < String(child.dateOfBirth)).toBe(true);
    }
  });
});
