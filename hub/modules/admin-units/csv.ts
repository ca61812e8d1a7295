import { parse } from 'csv-parse/sync';
import { AdminUnitSourceError } from '../../kernel/errors/index.js';
import type { AdminUnitKind } from './events.js';

export interface NamedCode {
  code: string;
  name: string;
}

export interface CommuneCell extends NamedCode {
  kind: AdminUnitKind;
  englishName?: string;
}

/** One row of the list in force until 30 June 2025. A district without communes has no `commune`. */
export interface UnitListRow {
  line: number;
  province: NamedCode & { kind: AdminUnitKind };
  district: NamedCode & { kind: AdminUnitKind };
  commune?: CommuneCell;
}

/** One row of the 2025 conversion table: old commune (or whole old district) → new commune. */
export interface ConversionRow {
  line: number;
  newProvince: NamedCode & { kind: AdminUnitKind };
  newCommune: NamedCode & { kind: AdminUnitKind };
  /** Absent when a whole old district became the new unit (island districts → đặc khu). */
  oldCommune?: NamedCode;
  /** An unnumbered old area that is not a commune (e.g. a coastal zone a district administered). */
  oldArea?: string;
  /** The table's note (Ghi chú), whitespace collapsed. */
  note: string;
  oldDistrict: NamedCode;
  oldProvince: NamedCode;
}

const PROVINCE_KINDS: AdminUnitKind[] = ['Thành phố', 'Tỉnh'];
const DISTRICT_KINDS: AdminUnitKind[] = ['Thành phố', 'Thị xã', 'Quận', 'Huyện'];
const COMMUNE_KINDS: AdminUnitKind[] = ['Thị trấn', 'Phường', 'Xã', 'Đặc khu'];

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function readCsv(text: string, file: string, fromLine: number, columns: number): ParsedRecord[] {
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      from_line: fromLine,
      info: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    throw new AdminUnitSourceError(file, line, (err as Error).message);
  }
  for (const { record, info } of records) {
    if (record.length < columns) {
      throw new AdminUnitSourceError(file, info.lines, `expected ${columns} columns, got ${record.length}`);
    }
  }
  return records;
}

const clean = (value: string | undefined) => (value ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();

const fold = (text: string) =>
  text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();

/**
 * The kind is the name's prefix. Compared without diacritics or case, because the sources hold
 * typos such as "Xa Ea Kly" or "Thành Phố"; the returned name carries the canonical prefix.
 */
function kindOf(raw: string, kinds: AdminUnitKind[], file: string, line: number) {
  const folded = fold(raw);
  const kind = kinds.find((k) => folded.startsWith(`${fold(k)} `));
  if (!kind) throw new AdminUnitSourceError(file, line, `cannot tell the kind of ${JSON.stringify(raw)}`);
  return { kind, name: `${kind}${raw.slice(kind.length)}` };
}

function code(value: string | undefined, digits: number, file: string, line: number): string {
  const text = clean(value);
  if (!new RegExp(`^[0-9]{${digits}}$`).test(text)) {
    throw new AdminUnitSourceError(
      file,
      line,
      `expected a ${digits}-digit code, got ${JSON.stringify(text)}`,
    );
  }
  return text;
}

/** `Thành phố Hà Nội (01)` → { name: 'Thành phố Hà Nội', code: '01' }. */
function nameWithCode(value: string | undefined, digits: number, file: string, line: number): NamedCode {
  const match = /^(.*?)\s*\(([0-9]+)\)$/.exec(clean(value));
  if (!match)
    throw new AdminUnitSourceError(file, line, `expected "Name (code)", got ${JSON.stringify(value)}`);
  return { name: match[1]!, code: code(match[2], digits, file, line) };
}

/** Columns: province, province code, district, district code, commune, commune code, kind, English name. */
export function parseUnitList(text: string, file: string): UnitListRow[] {
  return readCsv(text, file, 2, 8).map(({ record: r, info }) => {
    const line = info.lines;
    const provinceName = clean(r[0]);
    const districtName = clean(r[2]);
    const row: UnitListRow = {
      line,
      province: {
        code: code(r[1], 2, file, line),
        ...kindOf(provinceName, PROVINCE_KINDS, file, line),
      },
      district: {
        code: code(r[3], 3, file, line),
        ...kindOf(districtName, DISTRICT_KINDS, file, line),
      },
    };
    const communeName = clean(r[4]);
    if (communeName) {
      const englishName = clean(r[7]);
      row.commune = {
        code: code(r[5], 5, file, line),
        ...kindOf(communeName, COMMUNE_KINDS, file, line),
        ...(englishName ? { englishName } : {}),
      };
    }
    return row;
  });
}

/**
 * Columns: new province (code), new commune, new code, old commune, old code, note, old district
 * (code), old province (code). Two header rows; rows naming only a province are section headers.
 */
export function parseConversionTable(text: string, file: string): ConversionRow[] {
  const rows: ConversionRow[] = [];
  for (const { record: r, info } of readCsv(text, file, 3, 8)) {
    const line = info.lines;
    if (r.slice(1).every((cell) => clean(cell) === '')) continue;
    const newProvince = nameWithCode(r[0], 2, file, line);
    const newCommuneName = clean(r[1]);
    const oldCommuneName = clean(r[3]);
    rows.push({
      line,
      newProvince: { code: newProvince.code, ...kindOf(newProvince.name, PROVINCE_KINDS, file, line) },
      newCommune: {
        code: code(r[2], 5, file, line),
        ...kindOf(newCommuneName, COMMUNE_KINDS, file, line),
      },
      ...oldCell(oldCommuneName, clean(r[4]), file, line),
      note: clean(r[5]),
      oldDistrict: nameWithCode(r[6], 3, file, line),
      oldProvince: nameWithCode(r[7], 2, file, line),
    });
  }
  return rows;
}

function oldCell(name: string, oldCode: string, file: string, line: number) {
  if (!name) return {};
  if (!oldCode) return { oldArea: name };
  return { oldCommune: { code: code(oldCode, 5, file, line), name } };
}
