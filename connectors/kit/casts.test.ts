import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDatasets } from '../../hub/modules/records/index.js';
import { tempDir } from '../../hub/testing/temp.js';
import { type CastSpec, castStep } from './casts.js';
import { dateFormat, EXCEL_MAX_SERIAL, IMPOSSIBLE_DATE } from './date-formats.js';
import { compileMapping, type FieldRule } from './mapping.js';
import { populationLoadIssues } from './testing.js';

/** One cast on one value: the value it gives, or the message it fails with. */
function cast(spec: CastSpec, value: unknown): { value: unknown } | { message: string } {
  let message: string | undefined;
  const out = castStep(spec)(value, (m) => {
    message = m;
    return undefined;
  });
  return message === undefined ? { value: out } : { message };
}

const date = (format: string | string[]) => ({ type: 'date', format }) as const;

/** The token formats, and how each writes a raw day, month and year (valid or not). */
const TOKEN_FORMATS: Record<string, (d: number, m: number, y: number) => string> = {
  'dd/mm/yyyy': (d, m, y) => `${p2(d)}/${p2(m)}/${p4(y)}`,
  'd/m/yyyy': (d, m, y) => `${d}/${m}/${p4(y)}`,
  'dd-mm-yyyy': (d, m, y) => `${p2(d)}-${p2(m)}-${p4(y)}`,
  'dd.mm.yyyy': (d, m, y) => `${p2(d)}.${p2(m)}.${p4(y)}`,
  yyyymmdd: (d, m, y) => `${p4(y)}${p2(m)}${p2(d)}`,
  iso: (d, m, y) => `${p4(y)}-${p2(m)}-${p2(d)}`,
  'mm/dd/yyyy': (d, m, y) => `${p2(m)}/${p2(d)}/${p4(y)}`,
};
const p2 = (n: number) => String(n).padStart(2, '0');
const p4 = (n: number) => String(n).padStart(4, '0');

/** Days that do not exist: [day, month, year]. */
const IMPOSSIBLE: [number, number, number][] = [
  [31, 2, 2024],
  [30, 2, 2024],
  [29, 2, 2023],
  [29, 2, 1900],
  [29, 2, 2100],
  [31, 4, 2024],
  [31, 6, 2024],
  [31, 9, 2024],
  [31, 11, 2024],
  [32, 1, 2024],
  [0, 1, 2024],
  [15, 13, 2024],
  [15, 0, 2024],
  [1, 1, 0],
];

describe('date cast', () => {
  it('reads each format to yyyy-mm-dd', () => {
    for (const [format, write] of Object.entries(TOKEN_FORMATS))
      expect(cast(date(format), write(5, 3, 1990)), format).toEqual({ value: '1990-03-05' });
    expect(cast(date('d/m/yyyy'), '05/03/1990')).toEqual({ value: '1990-03-05' });
    expect(cast(date('dd/mm/yyyy'), ' 31/12/1999 ')).toEqual({ value: '1999-12-31' });
    expect(cast('date', '2024-01-05 08:00:00')).toEqual({ value: '2024-01-05' });
    expect(cast('date', '2024-01-05T08:00:00Z')).toEqual({ value: '2024-01-05' });
    expect(cast(date('yyyymmdd'), 19900305)).toEqual({ value: '1990-03-05' });
    expect(cast('date', new Date('2024-01-05T00:00:00Z'))).toEqual({ value: '2024-01-05' });
  });

  it('reads Excel serials of the 1900 date system, which counts a 29 February 1900 that never was', () => {
    const excel = date('excel');
    expect(cast(excel, 1)).toEqual({ value: '1900-01-01' });
    expect(cast(excel, '59')).toEqual({ value: '1900-02-28' });
    expect(cast(excel, 60)).toEqual({ message: IMPOSSIBLE_DATE });
    expect(cast(excel, 61)).toEqual({ value: '1900-03-01' });
    expect(cast(excel, 45292)).toEqual({ value: '2024-01-01' });
    expect(cast(excel, '45351')).toEqual({ value: '2024-02-29' });
    expect(cast(excel, 45292.75)).toEqual({ value: '2024-01-01' });
    expect(cast(excel, EXCEL_MAX_SERIAL)).toEqual({ value: '9999-12-31' });
    for (const out of [0, '0', EXCEL_MAX_SERIAL + 1, 9_999_999])
      expect(cast(excel, out), String(out)).toEqual({ message: IMPOSSIBLE_DATE });
    const f = dateFormat('excel');
    if (typeof f === 'string') throw new Error(f);
    for (const d of [
      { y: 1900, m: 1, d: 1 },
      { y: 1900, m: 2, d: 28 },
      { y: 1900, m: 3, d: 1 },
      { y: 2024, m: 2, d: 29 },
    ])
      expect(cast(excel, f.write(d))).toEqual({
        value: `${p4(d.y)}-${p2(d.m)}-${p2(d.d)}`,
      });
  });

  it('catches every impossible day in every format with one message', () => {
    const messages = new Set<string>();
    for (const [format, write] of Object.entries(TOKEN_FORMATS)) {
      for (const [d, m, y] of IMPOSSIBLE) {
        const got = cast(date(format), write(d, m, y));
        expect(got, `${format} ${write(d, m, y)}`).toHaveProperty('message');
        messages.add((got as { message: string }).message);
      }
    }
    for (const serial of [0, 60, EXCEL_MAX_SERIAL + 1])
      messages.add((cast(date('excel'), serial) as { message: string }).message);
    messages.add((cast('datetime', '2024-02-31T10:00:00Z') as { message: string }).message);
    messages.add((cast(date(['dd/mm/yyyy', 'excel']), '29/02/2023') as { message: string }).message);
    expect([...messages]).toEqual([IMPOSSIBLE_DATE]);
  });

  it('knows leap years: divisible by 4, except centuries not divisible by 400', () => {
    for (const y of [1904, 1996, 2000, 2024, 2400])
      expect(cast(date('dd/mm/yyyy'), `29/02/${y}`), String(y)).toEqual({ value: `${y}-02-29` });
    for (const y of [1900, 1999, 2023, 2100, 2200])
      expect(cast(date('dd/mm/yyyy'), `29/02/${y}`), String(y)).toEqual({ message: IMPOSSIBLE_DATE });
    expect(cast('datetime', '2024-02-29T10:00:00Z')).toEqual({ value: '2024-02-29T10:00:00.000Z' });
  });

  it('names the format it expected when a value is not in its shape', () => {
    expect(cast(date('dd/mm/yyyy'), '5/3/1990')).toEqual({
      message: 'is not a date in the format dd/mm/yyyy',
    });
    expect(cast(date('dd/mm/yyyy'), '1990-03-05')).toEqual({
      message: 'is not a date in the format dd/mm/yyyy',
    });
    expect(cast('date', '05/03/1990')).toEqual({ message: 'is not a date in the format yyyy-mm-dd' });
    expect(cast(date(['dd/mm/yyyy', 'yyyymmdd', 'excel']), 'n/a')).toEqual({
      message:
        'is not a date in the format dd/mm/yyyy or yyyymmdd or an Excel serial number (1900 date system)',
    });
    expect(cast(date('excel'), '-3')).toEqual({
      message: 'is not a date in the format an Excel serial number (1900 date system)',
    });
  });

  it('tries a list of formats in order', () => {
    const mixed = date(['dd/mm/yyyy', 'yyyymmdd', 'excel']);
    expect(cast(mixed, '05/03/1990')).toEqual({ value: '1990-03-05' });
    expect(cast(mixed, '19900305')).toEqual({ value: '1990-03-05' });
    expect(cast(mixed, 32937)).toEqual({ value: '1990-03-05' });
    expect(cast(mixed, '19900231')).toEqual({ message: IMPOSSIBLE_DATE });
  });
});

describe('number and integer casts', () => {
  it('read Vietnamese separators only when the rule says so', () => {
    const vi = { type: 'number', locale: 'vi' } as const;
    expect(cast(vi, '1.234.567,89')).toEqual({ value: 1234567.89 });
    expect(cast(vi, '-1.234,5')).toEqual({ value: -1234.5 });
    expect(cast(vi, '1234,5')).toEqual({ value: 1234.5 });
    expect(cast(vi, '1.234')).toEqual({ value: 1234 });
    expect(cast(vi, 12.5)).toEqual({ value: 12.5 });
    for (const bad of ['1.23', '1.2345', '1,234.5', '1.234.56', '12,3,4', 'abc'])
      expect(cast(vi, bad), bad).toEqual({ message: 'is not a number (format 1.234.567,89)' });
    expect(cast({ type: 'integer', locale: 'vi' }, '1.234.567')).toEqual({ value: 1234567 });
    expect(cast({ type: 'integer', locale: 'vi' }, '1.234,5')).toEqual({
      message: 'is not an integer (format 1.234.567)',
    });
    const en = { type: 'number', locale: 'en' } as const;
    expect(cast(en, '1,234,567.89')).toEqual({ value: 1234567.89 });
    expect(cast(en, '1.234.567,89')).toEqual({ message: 'is not a number (format 1,234,567.89)' });
    expect(cast('number', '1234.5')).toEqual({ value: 1234.5 });
    expect(cast('number', '1.234.567,89')).toEqual({ message: 'is not a number (format 1234.56)' });
    expect(cast('integer', '12.5')).toEqual({ message: 'is not an integer (format 1234)' });
    expect(cast('integer', ' 42 ')).toEqual({ value: 42 });
  });
});

describe('boolean cast', () => {
  it('reads có/không, co/khong, 1/0 and true/false by default, in any case and either Unicode form', () => {
    for (const yes of ['có', 'CÓ', 'Có'.normalize('NFD'), 'co', 'Co', '1', 1, 'true', true, 'yes'])
      expect(cast('boolean', yes), String(yes)).toEqual({ value: true });
    for (const no of ['không', 'KHÔNG', 'không'.normalize('NFD'), 'khong', '0', 0, 'false', false, 'no'])
      expect(cast('boolean', no), String(no)).toEqual({ value: false });
    expect(cast('boolean', 'x')).toEqual({
      message: 'is not a boolean (true: 1, true, t, y, yes, có, co; false: 0, false, f, n, no, không, khong)',
    });
  });

  it('takes configured lists, and x/empty with a default of false', () => {
    const tmp = tempDir();
    fs.writeFileSync(
      path.join(tmp.dir, 'flags.schema.json'),
      JSON.stringify({
        title: 'flags',
        'x-dataset': { key: 'id' },
        type: 'object',
        properties: { id: { type: 'string' }, veteran: { type: 'boolean' } },
      }),
    );
    const def = loadDatasets(tmp.dir).get('flags')!;
    tmp.remove();
    const rule: FieldRule = {
      from: 'cot',
      cast: { type: 'boolean', true: ['x'], false: [] },
      default: false,
    };
    const map = compileMapping(
      { dataset: 'flags', fields: { id: { from: 'id' }, veteran: rule } },
      def,
      Buffer.alloc(32),
    );
    expect(map({ id: '1', cot: ' X ' }).record).toEqual({ id: '1', veteran: true });
    expect(map({ id: '1', cot: '' }).record).toEqual({ id: '1', veteran: false });
    expect(map({ id: '1', cot: null }).record).toEqual({ id: '1', veteran: false });
    expect(map({ id: '1', cot: 'có' }).issues).toEqual([
      { path: '/veteran', message: 'is not a boolean (true: x; false: none)' },
    ]);
  });
});

describe('json cast', () => {
  it('reads a JSON text (an aggregated list of rows) into the value it holds', () => {
    expect(cast('json', '[{"court":"TAND quận Đống Đa","sentenceCompleted":true}]')).toEqual({
      value: [{ court: 'TAND quận Đống Đa', sentenceCompleted: true }],
    });
    expect(cast('json', '[]')).toEqual({ value: [] });
    expect(cast({ type: 'json' }, [1, 2])).toEqual({ value: [1, 2] });
    expect(cast('json', '[1, 2')).toEqual({ message: 'is not JSON' });
    expect(cast('json', 42)).toEqual({ message: 'is not JSON' });
  });
});

describe('dead-letter reasons', () => {
  it('name the field path and the expected format, never the value', () => {
    const def = loadDatasets().get('population')!;
    const map = compileMapping(
      {
        dataset: 'population',
        fields: {
          personalId: { from: 'id' },
          fullName: { from: 'name' },
          dateOfBirth: { from: 'born', cast: { type: 'date', format: ['dd/mm/yyyy', 'excel'] } },
          gender: { from: 'g', values: { '1': 'male' } },
          permanentResidence: { from: 'x' },
        },
      },
      def,
      Buffer.alloc(32),
    );
    for (const born of ['31/02/1987', '1987-02-03', '05-03-1987']) {
      const { record, issues } = map({ id: '001087000001', name: 'Lê Thị Hoa', born, g: '1' });
      expect(record).toBeNull();
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe('/dateOfBirth');
      expect(JSON.stringify(issues)).not.toContain('1987');
    }
  });
});

describe('cast options are checked when the connector loads, by mapping field path', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());
  const load = (name: string, cast: unknown) =>
    populationLoadIssues(tmp.dir, name, { dateOfBirth: { from: 'ngay_sinh', cast } });
  const at = '/streams/0/mapping(mapping.json)/fields/dateOfBirth/cast';

  it('accepts every documented form', () => {
    expect(load('ok-1', 'date')).toEqual([]);
    expect(load('ok-2', { type: 'date', format: ['dd/mm/yyyy', 'yyyymmdd', 'excel', 'iso'] })).toEqual([]);
    expect(load('ok-3', { type: 'date', format: 'd.m.yyyy' })).toEqual([]);
  });

  it('reports wrong options at the path of the cast', () => {
    expect(load('bad-format', { type: 'date', format: 'dd/mm/yy' })).toEqual([
      {
        path: `${at}/format`,
        message:
          'is not a date format: dd/mm/yy: expected the tokens dd or d, mm or m, and yyyy, separated by /, - or . (or nothing)',
      },
    ]);
    expect(load('bad-format-2', { type: 'date', format: 'dd/dd/yyyy' })).toEqual([
      {
        path: `${at}/format`,
        message:
          'is not a date format: dd/dd/yyyy: needs a day (dd or d), a month (mm or m) and a year (yyyy), once each',
      },
    ]);
    expect(load('bad-one-digit', { type: 'date', format: 'dmyyyy' })).toEqual([
      { path: `${at}/format`, message: 'is not a date format: dmyyyy: one-digit d and m need separators' },
    ]);
    expect(load('ambiguous', { type: 'date', format: ['dd/mm/yyyy', 'yyyymmdd', 'mm/dd/yyyy'] })).toEqual([
      {
        path: `${at}/format/2`,
        message: 'dd/mm/yyyy and mm/dd/yyyy read the same text as different dates: keep one',
      },
    ]);
    expect(load('ambiguous-2', { type: 'date', format: ['yyyymmdd', 'ddmmyyyy'] })).toEqual([
      {
        path: `${at}/format/1`,
        message: 'yyyymmdd and ddmmyyyy read the same text as different dates: keep one',
      },
    ]);
    expect(load('misplaced', { type: 'date', locale: 'vi' })).toEqual([
      { path: `${at}/locale`, message: 'is not allowed' },
    ]);
    expect(load('bad-locale', { type: 'number', locale: 'fr' })).toEqual([
      { path: `${at}/locale`, message: 'must be one of vi, en' },
    ]);
    expect(load('bad-type', 'timestamp')).toEqual([
      { path: at, message: 'must be one of string, integer, number, boolean, date, datetime, json' },
    ]);
    expect(load('no-type', { format: 'dd/mm/yyyy' })).toEqual([
      { path: `${at}/type`, message: 'is required' },
    ]);
    expect(load('overlap', { type: 'boolean', true: ['có', 'x'], false: ['X', ''] })).toEqual([
      { path: `${at}/false/0`, message: 'X is also listed as true' },
      {
        path: `${at}/false/1`,
        message: 'an empty source value never reaches the cast: give the rule "default" instead',
      },
    ]);
  });
});
