import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAdminUnitSources } from '../../../demo/seed/admin-units.js';
import { AdminUnitNotFoundError, InvalidDateError } from '../../kernel/errors/index.js';
import type { RecordedEvent } from '../../kernel/event-store.js';
import { importAdminUnits } from './importer.js';
import { adminUnitsProjection } from './projection.js';
import { getUnit, resolveUnit, unitsInForce } from './queries.js';

let dir: string;
let db: Database.Database;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lt-'));
  db = new Database(path.join(dir, 'projections.db'));
  const handler = adminUnitsProjection.open(db);
  const { streams } = importAdminUnits(await readAdminUnitSources());
  let position = 0;
  db.transaction(() => {
    for (const { stream, events } of streams) {
      events.forEach((event, revision) => {
        position++;
        const recorded: RecordedEvent = {
          ...event,
          stream,
          revision,
          position,
          recordedAt: '2026-01-01T00:00:00Z',
        };
        handler.apply(recorded);
      });
    }
    handler.apply({
      id: '00000000-0000-4000-8000-000000000000',
      type: 'SomethingElseHappened',
      data: {},
      metadata: {} as never,
      stream: 'other-1',
      revision: 0,
      position: ++position,
      recordedAt: '2026-01-01T00:00:00Z',
    });
  })();
});

afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = (level: 'province' | 'district' | 'commune', onDate: string) =>
  unitsInForce(db, { level, onDate }).length;

describe('admin-units projection', () => {
  it('has the four-tier map in force until 30 June 2025 and the three-tier map from 1 July', () => {
    expect([
      count('province', '2025-06-30'),
      count('district', '2025-06-30'),
      count('commune', '2025-06-30'),
    ]).toEqual([63, 696, 10_051]);
    expect([
      count('province', '2025-07-01'),
      count('district', '2025-07-01'),
      count('commune', '2025-07-01'),
    ]).toEqual([34, 0, 3_321]);
    expect(count('commune', '2007-12-31')).toBe(0);
  });

  it('lists the children of a unit in force on a date', () => {
    const baDinh = unitsInForce(db, {
      level: 'commune',
      parentUnitId: 'district.001.20080101',
      onDate: '2025-06-30',
    });
    expect(baDinh.map((u) => u.name)).toContain('Phường Trúc Bạch');
    expect(baDinh.every((u) => u.parentUnitId === 'district.001.20080101')).toBe(true);
    const hanoi = unitsInForce(db, {
      level: 'commune',
      parentUnitId: 'province.01.20250701',
      onDate: '2025-07-01',
    });
    expect(hanoi.length).toBe(126);
  });

  it('resolves a retired commune to the commune that absorbed it, recording the hop', () => {
    expect(resolveUnit(db, 'commune.00004.20080101', '2025-06-30')).toMatchObject({
      inForce: [{ unitId: 'commune.00004.20080101', name: 'Phường Trúc Bạch' }],
      hops: [],
    });
    const after = resolveUnit(db, 'commune.00004.20080101', '2025-07-02');
    expect(after.inForce.map((u) => [u.unitId, u.name])).toEqual([
      ['commune.00004.20250701', 'Phường Ba Đình'],
    ]);
    expect(after.hops).toEqual([
      { from: 'commune.00004.20080101', to: 'commune.00004.20250701', share: 'whole', on: '2025-07-01' },
    ]);
  });

  it('resolves a commune split in parts to every successor', () => {
    const { inForce } = resolveUnit(db, 'commune.00016.20080101', '2025-07-01');
    expect(inForce.map((u) => u.name)).toEqual(['Phường Ba Đình', 'Phường Ngọc Hà']);
  });

  it('resolves a retired district to the new communes and a province to the new province', () => {
    const { inForce, hops } = resolveUnit(db, 'district.001.20080101', '2025-07-01');
    expect(inForce.length).toBeGreaterThan(1);
    expect(inForce.every((u) => u.level === 'commune' && u.parentUnitId === 'province.01.20250701')).toBe(
      true,
    );
    expect(hops).toHaveLength(inForce.length);
    expect(resolveUnit(db, 'province.45.20080101', '2026-01-01').inForce.map((u) => u.name)).toEqual([
      'Tỉnh Quảng Trị',
    ]);
  });

  it('keeps validity, parent and successors on each unit', () => {
    expect(getUnit(db, 'commune.00004.20080101')).toEqual({
      unitId: 'commune.00004.20080101',
      code: '00004',
      level: 'commune',
      kind: 'Phường',
      name: 'Phường Trúc Bạch',
      parentUnitId: 'district.001.20080101',
      validFrom: '2008-01-01',
      validTo: '2025-07-01',
      successors: [{ unitId: 'commune.00004.20250701', share: 'whole' }],
    });
    expect(getUnit(db, 'commune.00004.20250701')?.validTo).toBeUndefined();
  });

  it('resolves a unit not yet established to nothing, and rejects unknown units and bad dates', () => {
    expect(resolveUnit(db, 'commune.00004.20250701', '2025-06-30')).toEqual({ inForce: [], hops: [] });
    expect(() => resolveUnit(db, 'commune.99999.20080101', '2025-07-01')).toThrow(AdminUnitNotFoundError);
    expect(() => resolveUnit(db, 'commune.00004.20080101', '1/7/2025')).toThrow(InvalidDateError);
  });

  it('empties the read model on reset', () => {
    const copy = new Database(path.join(dir, 'reset.db'));
    const handler = adminUnitsProjection.open(copy);
    handler.apply({
      id: '7502015d-e889-5266-b1ca-a3efa42271cf',
      type: 'AdministrativeUnitEstablished',
      data: {
        unitId: 'province.01.20080101',
        code: '01',
        level: 'province',
        kind: 'Thành phố',
        name: 'Thành phố Hà Nội',
        validFrom: '2008-01-01',
      },
      metadata: {} as never,
      stream: 'adminunit-province.01.20080101',
      revision: 0,
      position: 1,
      recordedAt: '2026-01-01T00:00:00Z',
    });
    expect(count('province', '2020-01-01')).toBe(63);
    expect(unitsInForce(copy, { level: 'province', onDate: '2020-01-01' })).toHaveLength(1);
    handler.reset();
    expect(unitsInForce(copy, { level: 'province', onDate: '2020-01-01' })).toHaveLength(0);
    copy.close();
  });
});
