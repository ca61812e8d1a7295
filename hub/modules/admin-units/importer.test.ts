import { validate as isUuid, version as uuidVersion } from 'uuid';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAdminUnitSources } from '../../../demo/seed/admin-units.js';
import { createEventValidator } from '../../events/validator.js';
import { AdminUnitSourceError } from '../../kernel/errors/index.js';
import type { AdministrativeUnitSucceededData } from './events.js';
import { type AdminUnitImport, importAdminUnits } from './importer.js';

let sources: Awaited<ReturnType<typeof readAdminUnitSources>>;
let imported: AdminUnitImport;
const stream = (unitId: string) => imported.streams.find((s) => s.stream === `adminunit-${unitId}`);
const successorsOf = (unitId: string) =>
  (stream(unitId)?.events[1]?.data as AdministrativeUnitSucceededData | undefined)?.successors;

beforeAll(async () => {
  sources = await readAdminUnitSources();
  imported = importAdminUnits(sources);
});

describe('importAdminUnits', () => {
  it('counts the units of both maps', () => {
    expect(imported.report.before).toEqual({ provinces: 63, districts: 696, communes: 10_051 });
    expect(imported.report.after).toEqual({ provinces: 34, communes: 3_321 });
    expect(imported.streams).toHaveLength(63 + 696 + 10_051 + 34 + 3_321);
  });

  it('is deterministic: a second import yields identical events with UUIDv5 ids', () => {
    const again = importAdminUnits(sources);
    expect(again.streams).toEqual(imported.streams);
    const ids = imported.streams.flatMap((s) => s.events.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => isUuid(id) && uuidVersion(id) === 5)).toBe(true);
  });

  it('produces only events that pass their schemas', () => {
    const validator = createEventValidator();
    for (const { events } of imported.streams) for (const event of events) validator.validate(event);
  });

  it('keeps old and new units that share a code apart', () => {
    const old = stream('commune.00004.20080101');
    expect(old?.events.map((e) => e.type)).toEqual([
      'AdministrativeUnitEstablished',
      'AdministrativeUnitSucceeded',
    ]);
    expect(old?.events[0]?.data).toMatchObject({
      name: 'Phường Trúc Bạch',
      parentUnitId: 'district.001.20080101',
    });
    expect(stream('commune.00004.20250701')?.events[0]?.data).toMatchObject({
      name: 'Phường Ba Đình',
      kind: 'Phường',
      parentUnitId: 'province.01.20250701',
      validFrom: '2025-07-01',
    });
    expect(successorsOf('commune.00004.20080101')).toEqual([
      { unitId: 'commune.00004.20250701', share: 'whole' },
    ]);
  });

  it('splits a commune absorbed in parts between its successors', () => {
    expect(successorsOf('commune.00016.20080101')).toEqual([
      { unitId: 'commune.00004.20250701', share: 'part' },
      { unitId: 'commune.00008.20250701', share: 'part' },
    ]);
  });

  it('succeeds districts by new communes and old provinces by new provinces', () => {
    expect(successorsOf('district.318.20080101')).toEqual([
      { unitId: 'commune.11948.20250701', share: 'whole' },
    ]);
    expect(successorsOf('district.001.20080101')?.every((s) => s.share === 'part')).toBe(true);
    expect(successorsOf('province.01.20080101')).toEqual([
      { unitId: 'province.01.20250701', share: 'whole' },
    ]);
    expect(successorsOf('province.45.20080101')).toEqual([
      { unitId: 'province.44.20250701', share: 'whole' },
    ]);
  });

  it('reports the irregularities of the sources instead of hiding them', () => {
    expect(imported.report.matchedByName).toContainEqual({
      line: 8862,
      tableCode: '26929',
      listCode: '26935',
      name: 'Phường 14',
    });
    expect(imported.report.unknownOldCommunes.map((u) => u.name)).toEqual([
      'Phường Mộc Lỵ',
      'Phường Cờ Đỏ',
      'Phường Bình Minh',
    ]);
    expect(imported.report.withoutSuccessor).toHaveLength(21);
    const orphan = stream('commune.03988.20080101')?.events[1]?.data;
    expect(orphan).toMatchObject({ successors: [], validTo: '2025-07-01' });
  });

  it('fixes misspelt kind prefixes and records provenance', () => {
    const established = stream('commune.24496.20250701')?.events[0];
    expect(established?.data).toMatchObject({ kind: 'Xã', level: 'commune' });
    expect(established?.metadata.source).toMatchObject({
      table: 'communes-2025-07-01-old-to-new.csv',
      system: 'nso-vn-administrative-units',
    });
  });

  it('rejects a malformed file with its name and line', () => {
    const broken = {
      ...sources,
      unitList: { file: 'list.csv', text: 'header\nTỉnh X,1,Huyện Y,001,Xã Z,00001,Xã,\n' },
    };
    expect(() => importAdminUnits(broken)).toThrow(AdminUnitSourceError);
    expect(() => importAdminUnits(broken)).toThrow(/list\.csv line 2: expected a 2-digit code/);
  });
});
