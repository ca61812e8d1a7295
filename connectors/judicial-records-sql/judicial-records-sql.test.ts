import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorAcceptance, sqliteFixtureSource, syncedFixture } from '../acceptance.js';

connectorAcceptance({ name: 'judicial-records-sql', source: sqliteFixtureSource('judicial-records-sql') });

describe('judicial-records-sql on its fixture', () => {
  let synced: Awaited<ReturnType<typeof syncedFixture>>;
  beforeAll(async () => {
    synced = await syncedFixture('judicial-records-sql');
  });
  afterAll(async () => synced?.close());

  it('gathers the convictions not yet expunged into a list, and flags a criminal record by them', () => {
    expect(synced.counts).toMatchObject({ read: 18, upserted: 18, rejected: 0 });
    const clean = synced.records.filter((r) => r.hasCriminalRecord === false);
    const convicted = synced.records.filter((r) => r.hasCriminalRecord === true);
    expect(clean.length).toBeGreaterThan(convicted.length);
    for (const r of clean) expect(r.convictions).toEqual([]);
    expect(convicted.length).toBeGreaterThan(0);
    for (const r of convicted) {
      const list = r.convictions as Record<string, unknown>[];
      expect(list.length).toBeGreaterThan(0);
      expect(Object.keys(list[0]!).sort()).toEqual(
        ['court', 'judgedOn', 'judgmentNumber', 'offence', 'sentence', 'sentenceCompleted'].sort(),
      );
      expect(typeof list[0]!.sentenceCompleted).toBe('boolean');
      expect(list.map((c) => c.judgedOn)).toEqual(list.map((c) => c.judgedOn).sort());
    }
    expect(synced.records.every((r) => typeof r.bannedFromPositions === 'boolean')).toBe(true);
    expect(synced.records.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(String(r.updatedOn)))).toBe(true);
  });
});
