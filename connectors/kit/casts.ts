import {
  ambiguity,
  type DateFormat,
  dateFormat,
  IMPOSSIBLE_DATE,
  isoDate,
  realDate,
} from './date-formats.js';

export type CastType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'json';

/** Number separators: `vi` 1.234.567,89 (dot thousands, comma decimal), `en` 1,234,567.89. */
export type NumberLocale = 'vi' | 'en';

/** A cast with its options, as a mapping rule's `cast` object. */
export type CastOptions =
  | { type: 'string' | 'datetime' | 'json' }
  | { type: 'integer' | 'number'; locale?: NumberLocale }
  | { type: 'boolean'; true?: string[]; false?: string[] }
  | { type: 'date'; format?: string | string[] };

/** A rule's `cast`: a type name (default options) or a type with options. */
export type CastSpec = CastType | CastOptions;

/** A step's failure: returns undefined so a step can `return fail(…)`. */
export type Fail = (message: string) => undefined;
export type CastStep = (value: unknown, fail: Fail) => unknown;

export const castOptions = (cast: CastSpec): CastOptions =>
  (typeof cast === 'string' ? { type: cast } : cast) as CastOptions;

/** Values the boolean cast takes when the rule lists none (compared trimmed, NFC, lower case). */
export const DEFAULT_TRUE = ['1', 'true', 't', 'y', 'yes', 'có', 'co'];
export const DEFAULT_FALSE = ['0', 'false', 'f', 'n', 'no', 'không', 'khong'];

const fold = (v: unknown) => String(v).normalize('NFC').trim().toLowerCase();

const NUMBER: Record<
  NumberLocale | 'plain',
  { pattern: RegExp; group: string; decimal: string; example: string }
> = {
  plain: { pattern: /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, group: '', decimal: '.', example: '1234.56' },
  vi: { pattern: /^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/, group: '.', decimal: ',', example: '1.234.567,89' },
  en: { pattern: /^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/, group: ',', decimal: '.', example: '1,234,567.89' },
};

function numberStep(integer: boolean, locale: NumberLocale | undefined): CastStep {
  const f = NUMBER[locale ?? 'plain'];
  const example = integer ? f.example.replace(/[.,]\d+$/, '') : f.example;
  const message = `${integer ? 'is not an integer' : 'is not a number'} (format ${example})`;
  return (v, fail) => {
    let n: number;
    if (typeof v === 'number') n = v;
    else {
      const s = String(v).trim();
      if (!f.pattern.test(s)) return fail(message);
      n = Number(f.group ? s.replaceAll(f.group, '').replace(f.decimal, '.') : s);
    }
    return (integer ? Number.isInteger(n) : Number.isFinite(n)) ? n : fail(message);
  };
}

function booleanStep(options: { true?: string[]; false?: string[] }): CastStep {
  const yes = new Set((options.true ?? DEFAULT_TRUE).map(fold));
  const no = new Set((options.false ?? DEFAULT_FALSE).map(fold));
  const expected = `is not a boolean (true: ${[...yes].join(', ')}; false: ${[...no].join(', ') || 'none'})`;
  return (v, fail) => {
    const s = fold(v);
    if (yes.has(s)) return true;
    if (no.has(s)) return false;
    return fail(expected);
  };
}

/** The date formats a cast names (default `iso`); throws on a name `castIssues` would report. */
function formatsOf(format: string | string[] | undefined): DateFormat[] {
  return (Array.isArray(format) ? format : [format ?? 'iso']).map((name) => {
    const f = dateFormat(name);
    if (typeof f === 'string') throw new Error(`invalid date format ${f}`);
    return f;
  });
}

function dateStep(format: string | string[] | undefined): CastStep {
  const formats = formatsOf(format);
  const mismatch = `is not a date in the format ${formats.map((f) => f.label).join(' or ')}`;
  return (v, fail) => {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? fail(mismatch) : v.toISOString().slice(0, 10);
    const text = String(v).trim();
    for (const f of formats) {
      const read = f.read(text);
      if (read === 'impossible') return fail(IMPOSSIBLE_DATE);
      if (read) return isoDate(read);
    }
    return fail(mismatch);
  };
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})/;

const datetimeStep: CastStep = (v, fail) => {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? fail('is not a date-time') : v.toISOString();
  const text = String(v).trim();
  const day = ISO_DAY.exec(text);
  // JavaScript rolls 2024-02-31 over to 2 March: the day is checked first.
  if (day && !realDate({ y: Number(day[1]), m: Number(day[2]), d: Number(day[3]) }))
    return fail(IMPOSSIBLE_DATE);
  const d = new Date(text.replace(' ', 'T'));
  return Number.isNaN(d.getTime())
    ? fail('is not a date-time (format yyyy-mm-ddThh:mm:ss)')
    : d.toISOString();
};

/**
 * A JSON text (what `json_agg`, `JSON_ARRAYAGG` or SQLite's `json_group_array` return) read as the
 * value it holds, so one source row can fill a list or an object of the dataset; the dataset's
 * schema then checks what is inside. A driver that already parsed it passes the value through.
 */
const jsonStep: CastStep = (v, fail) => {
  if (typeof v !== 'string') return typeof v === 'object' && v !== null ? v : fail('is not JSON');
  try {
    return JSON.parse(v);
  } catch {
    return fail('is not JSON');
  }
};

const stringStep: CastStep = (v) =>
  typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : String(v);

/** The step of a cast (options already checked by `castIssues`). */
export function castStep(cast: CastSpec): CastStep {
  const o = castOptions(cast);
  switch (o.type) {
    case 'string':
      return stringStep;
    case 'integer':
    case 'number':
      return numberStep(o.type === 'integer', o.locale);
    case 'boolean':
      return booleanStep(o);
    case 'date':
      return dateStep(o.format);
    case 'datetime':
      return datetimeStep;
    case 'json':
      return jsonStep;
  }
}

/**
 * What the JSON Schema cannot say about a cast's options: date formats that do not parse or read
 * one text two ways, boolean lists that overlap or hold the empty string. Paths are relative to the
 * cast (`/format/1`, `/true`).
 */
export function castIssues(cast: CastSpec): { path: string; message: string }[] {
  const o = castOptions(cast);
  const issues: { path: string; message: string }[] = [];
  if (o.type === 'date' && o.format !== undefined) {
    const names = Array.isArray(o.format) ? o.format : [o.format];
    const at = (i: number) => (Array.isArray(o.format) ? `/format/${i}` : '/format');
    const parsed: DateFormat[] = [];
    names.forEach((name, i) => {
      const f = dateFormat(name);
      if (typeof f === 'string') issues.push({ path: at(i), message: `is not a date format: ${f}` });
      else {
        for (const other of parsed) {
          const why = ambiguity(other, f);
          if (why) issues.push({ path: at(i), message: why });
        }
        parsed.push(f);
      }
    });
  }
  if (o.type === 'boolean') {
    const yes = new Set((o.true ?? DEFAULT_TRUE).map(fold));
    for (const [list, values] of [
      ['true', o.true],
      ['false', o.false],
    ] as const) {
      values?.forEach((value, i) => {
        if (fold(value) === '')
          issues.push({
            path: `/${list}/${i}`,
            message: 'an empty source value never reaches the cast: give the rule "default" instead',
          });
        else if (list === 'false' && yes.has(fold(value)))
          issues.push({ path: `/false/${i}`, message: `${value} is also listed as true` });
      });
    }
  }
  return issues;
}
