import { createHash } from 'node:crypto';
import path from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import type { SourceProvenance } from '../../kernel/event-store.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { type ConversionRow, type NamedCode, parseConversionTable, parseUnitList } from './csv.js';
import {
  ADMIN_UNITS_NAMESPACE,
  type AdministrativeUnitEstablishedData,
  type AdminLevel,
  type AdminUnitEvent,
  adminUnitEventId,
  adminUnitId,
  adminUnitStream,
  type Successor,
} from './events.js';

/** Bump whenever the importer would turn the same files into different events. */
export const ADMIN_UNITS_IMPORT_VERSION = 1;

/** Placeholder first day for units of the pre-2025 list, whose real establishment dates the list lacks. */
export const OLD_UNITS_VALID_FROM = '2008-01-01';
/** Resolution 202/2025/QH15 and the commune-level resolutions took effect on this day. */
export const REORGANISED_ON = '2025-07-01';

export interface CsvSource {
  /** File name recorded as the source table in each event's provenance. */
  file: string;
  text: string;
}

export interface AdminUnitImportInput {
  unitList: CsvSource;
  conversion: CsvSource;
  /** When the source files were obtained (recorded in provenance; keep it fixed for repeatable ids). */
  fetchedAt: string;
}

export interface AdminUnitImportReport {
  before: { provinces: number; districts: number; communes: number };
  after: { provinces: number; communes: number };
  conversionRows: number;
  /** Conversion rows whose old code is not in the list but whose name matched a commune of the same district. */
  matchedByName: { line: number; tableCode: string; listCode: string; name: string }[];
  /** Conversion rows naming an old commune the list does not hold (they only feed district/province successions). */
  unknownOldCommunes: { line: number; code: string; name: string }[];
  /** Old units the conversion table never mentions: they end on REORGANISED_ON with no successor. */
  withoutSuccessor: string[];
}

export interface AdminUnitImport {
  streams: { stream: string; events: AdminUnitEvent[] }[];
  report: AdminUnitImportReport;
}

interface UnitDraft extends AdministrativeUnitEstablishedData {
  table: string;
  line: number;
}

const PART = /một\s*phần|phần còn lại/i;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const normalizeName = (name: string) => name.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ');

/**
 * Pure: turns the two official CSVs into events. The same input always yields the same events
 * (ids are UUIDv5 of unit id and event type), so re-importing appends nothing new.
 */
export function importAdminUnits(input: AdminUnitImportInput): AdminUnitImport {
  const listFile = path.basename(input.unitList.file);
  const convFile = path.basename(input.conversion.file);
  const oldUnits = new Map<string, UnitDraft>();
  const districtProvince = new Map<string, string>();
  const listCommunes = new Map<string, { name: string; district: string }>();

  const addOld = (level: AdminLevel, draft: Omit<UnitDraft, 'unitId' | 'level' | 'validFrom' | 'table'>) => {
    const unitId = adminUnitId(level, draft.code, OLD_UNITS_VALID_FROM);
    if (oldUnits.has(unitId)) return;
    oldUnits.set(unitId, { ...draft, unitId, level, validFrom: OLD_UNITS_VALID_FROM, table: listFile });
  };
  const oldId = (level: AdminLevel, code: string) => adminUnitId(level, code, OLD_UNITS_VALID_FROM);

  for (const row of parseUnitList(input.unitList.text, input.unitList.file)) {
    const { line, province, district, commune } = row;
    addOld('province', { ...province, line });
    addOld('district', { ...district, line, parentUnitId: oldId('province', province.code) });
    districtProvince.set(district.code, province.code);
    if (commune) {
      addOld('commune', { ...commune, line, parentUnitId: oldId('district', district.code) });
      listCommunes.set(commune.code, { name: commune.name, district: district.code });
    }
  }

  const rows = parseConversionTable(input.conversion.text, input.conversion.file);
  const newUnits = new Map<string, UnitDraft>();
  const newId = (level: AdminLevel, code: string) => adminUnitId(level, code, REORGANISED_ON);
  const newBase = (line: number) => ({ validFrom: REORGANISED_ON, table: convFile, line });
  for (const { line, newProvince, newCommune } of rows) {
    const provinceId = newId('province', newProvince.code);
    const communeId = newId('commune', newCommune.code);
    if (!newUnits.has(provinceId)) {
      newUnits.set(provinceId, { ...newProvince, unitId: provinceId, level: 'province', ...newBase(line) });
    }
    if (!newUnits.has(communeId)) {
      newUnits.set(communeId, {
        ...newCommune,
        unitId: communeId,
        level: 'commune',
        parentUnitId: provinceId,
        ...newBase(line),
      });
    }
  }

  const report: AdminUnitImportReport = {
    before: { provinces: 0, districts: 0, communes: 0 },
    after: { provinces: 0, communes: 0 },
    conversionRows: rows.length,
    matchedByName: [],
    unknownOldCommunes: [],
    withoutSuccessor: [],
  };
  const successions = collectSuccessions(rows, { listCommunes, districtProvince, report, oldId, newId });

  const runId = uuidv5(
    `run/${sha256(input.unitList.text)}/${sha256(input.conversion.text)}`,
    ADMIN_UNITS_NAMESPACE,
  );
  const meta = (
    occurredOn: string,
    source: Omit<SourceProvenance, 'connector' | 'runId' | 'system' | 'fetchedAt'>,
  ) =>
    buildMetadata({
      occurredAt: `${occurredOn}T00:00:00+07:00`,
      actor: { kind: 'system', id: 'admin-units-import' },
      correlationId: runId,
      source: {
        connector: 'admin-units-csv',
        runId,
        system: 'nso-vn-administrative-units',
        fetchedAt: input.fetchedAt,
        ...source,
      },
    });
  const established = (unit: UnitDraft): AdminUnitEvent => ({
    id: adminUnitEventId(unit.unitId, 'AdministrativeUnitEstablished'),
    type: 'AdministrativeUnitEstablished',
    data: {
      unitId: unit.unitId,
      code: unit.code,
      level: unit.level,
      kind: unit.kind,
      name: unit.name,
      ...(unit.englishName ? { englishName: unit.englishName } : {}),
      ...(unit.parentUnitId ? { parentUnitId: unit.parentUnitId } : {}),
      validFrom: unit.validFrom,
    },
    metadata: meta(unit.validFrom, {
      table: unit.table,
      primaryKey: { code: unit.code },
      position: `line ${unit.line}`,
    }),
  });

  const streams: AdminUnitImport['streams'] = [];
  for (const unit of oldUnits.values()) {
    report.before[`${unit.level}s`]++;
    const successors = successions.get(unit.unitId);
    if (!successors) report.withoutSuccessor.push(unit.unitId);
    const succeeded: AdminUnitEvent = {
      id: adminUnitEventId(unit.unitId, 'AdministrativeUnitSucceeded'),
      type: 'AdministrativeUnitSucceeded',
      data: {
        unitId: unit.unitId,
        validTo: REORGANISED_ON,
        successors: successors ?? [],
        ...(successors ? {} : { note: `not in the ${REORGANISED_ON} conversion table; successor unknown` }),
      },
      metadata: meta(REORGANISED_ON, { table: convFile, primaryKey: { code: unit.code } }),
    };
    streams.push({ stream: adminUnitStream(unit.unitId), events: [established(unit), succeeded] });
  }
  for (const unit of newUnits.values()) {
    if (unit.level !== 'district') report.after[`${unit.level}s`]++;
    streams.push({ stream: adminUnitStream(unit.unitId), events: [established(unit)] });
  }
  return { streams, report };
}

interface SuccessionContext {
  listCommunes: Map<string, { name: string; district: string }>;
  districtProvince: Map<string, string>;
  report: AdminUnitImportReport;
  oldId: (level: AdminLevel, code: string) => string;
  newId: (level: AdminLevel, code: string) => string;
}

type Share = Successor['share'];

/** Old unit id → its successors. Communes and districts go to new communes; provinces to new provinces. */
function collectSuccessions(rows: ConversionRow[], ctx: SuccessionContext): Map<string, Successor[]> {
  const { districtProvince, oldId, newId } = ctx;
  const shares = new Map<string, Map<string, Share>>();
  const add = (from: string, to: string, share: Share) => {
    const target = shares.get(from) ?? new Map<string, Share>();
    if (target.get(to) !== 'part') target.set(to, share);
    shares.set(from, target);
  };
  const resolveOldCommune = oldCommuneResolver(rows, ctx);

  for (const row of rows) {
    const share: Share = PART.test(row.note) ? 'part' : 'whole';
    const newCommuneId = newId('commune', row.newCommune.code);
    const districtCode = row.oldDistrict.code;
    if (row.oldCommune) {
      const listCode = resolveOldCommune(row, row.oldCommune);
      if (listCode) add(oldId('commune', listCode), newCommuneId, share);
    }
    add(oldId('district', districtCode), newCommuneId, share);
    const provinceCode = districtProvince.get(districtCode) ?? row.oldProvince.code;
    add(oldId('province', provinceCode), newId('province', row.newProvince.code), 'whole');
  }

  const result = new Map<string, Successor[]>();
  for (const [from, targets] of shares) {
    const single = targets.size === 1;
    result.set(
      from,
      [...targets].map(([unitId, share]) => ({
        unitId,
        share: single && share === 'whole' ? 'whole' : 'part',
      })),
    );
  }
  return result;
}

/**
 * The conversion table sometimes gives an old commune a code the list does not hold (the two files
 * were compiled apart). Such a row is matched by name within the same old district, among the list's
 * communes that no row names by code; failing that it is reported and feeds only district and
 * province successions.
 */
function oldCommuneResolver(rows: ConversionRow[], ctx: SuccessionContext) {
  const { listCommunes, report } = ctx;
  const namedByCode = new Set(rows.flatMap((r) => (r.oldCommune ? [r.oldCommune.code] : [])));
  const byDistrictAndName = new Map<string, string[]>();
  for (const [code, { name, district }] of listCommunes) {
    if (namedByCode.has(code)) continue;
    const key = `${district}/${normalizeName(name)}`;
    byDistrictAndName.set(key, [...(byDistrictAndName.get(key) ?? []), code]);
  }
  return (row: ConversionRow, old: NamedCode): string | undefined => {
    if (listCommunes.has(old.code)) return old.code;
    const candidates = byDistrictAndName.get(`${row.oldDistrict.code}/${normalizeName(old.name)}`) ?? [];
    if (candidates.length === 1) {
      report.matchedByName.push({
        line: row.line,
        tableCode: old.code,
        listCode: candidates[0]!,
        name: old.name,
      });
      return candidates[0];
    }
    report.unknownOldCommunes.push({ line: row.line, code: old.code, name: old.name });
    return undefined;
  };
}
