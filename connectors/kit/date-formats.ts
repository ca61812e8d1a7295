/**
 * Date formats a `date` cast reads: day-month-year patterns written with the tokens `dd`/`d`,
 * `mm`/`m` and `yyyy` (`dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `yyyymmdd`, …), `iso`
 * (`yyyy-mm-dd`, optionally followed by a time) and `excel` (serial day numbers of the 1900 date
 * system). A value in a format's shape whose day does not exist is impossible, with one message
 * whatever the format.
 */

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** What reading one value in one format gave: a date, an impossible date, or not this format's shape. */
export type DateReading = Ymd | 'impossible' | null;

export interface DateFormat {
  /** As written in the mapping. */
  name: string;
  /** How error messages name it. */
  label: string;
  read(text: string): DateReading;
  /** Writes a date in this format (fixtures, documentation). */
  write(date: Ymd): string;
  /** Token order (`dmy`, `ymd`, …) and separators, to spot two formats that read one text two ways. */
  shape?: { order: string; separators: string };
}

export const IMPOSSIBLE_DATE = 'is an impossible date (no such day on the calendar)';

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Whether the day exists: year 1–9999, month 1–12, day within the month (29 February in leap years). */
export function realDate({ y, m, d }: Ymd): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= (m === 2 && leap(y) ? 29 : DAYS[m - 1]!);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const isoDate = ({ y, m, d }: Ymd) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
const checked = (date: Ymd): DateReading => (realDate(date) ? date : 'impossible');

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const iso: DateFormat = {
  name: 'iso',
  label: 'yyyy-mm-dd',
  read(text) {
    const m = ISO.exec(text);
    return m ? checked({ y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) }) : null;
  },
  write: isoDate,
  shape: { order: 'ymd', separators: '--' },
};

/** Highest serial Excel shows as a date: 9999-12-31. */
export const EXCEL_MAX_SERIAL = 2_958_465;
const EXCEL_SERIAL = /^\d{1,7}(?:\.\d+)?$/;
const DAY_MS = 86_400_000;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/**
 * Excel's 1900 date system: serial 1 is 1900-01-01. Excel counts a 29 February 1900 that never
 * was (serial 60, kept from Lotus 1-2-3), so serials from 61 on are one day ahead of a plain count.
 * A fraction is the time of day and is dropped.
 */
const excel: DateFormat = {
  name: 'excel',
  label: 'an Excel serial number (1900 date system)',
  read(text) {
    if (!EXCEL_SERIAL.test(text)) return null;
    const serial = Math.floor(Number(text));
    if (serial < 1 || serial > EXCEL_MAX_SERIAL || serial === 60) return 'impossible';
    const at = new Date(EXCEL_EPOCH + (serial < 60 ? serial + 1 : serial) * DAY_MS);
    return { y: at.getUTCFullYear(), m: at.getUTCMonth() + 1, d: at.getUTCDate() };
  },
  write({ y, m, d }) {
    const days = (Date.UTC(y, m - 1, d) - EXCEL_EPOCH) / DAY_MS;
    return String(days < 61 ? days - 1 : days);
  },
};

const TOKEN = /^(yyyy|dd|d|mm|m)/;
const SEPARATORS = new Set(['/', '-', '.']);

/** Parses a token pattern (`dd/mm/yyyy`); an error message when it is not one. */
function tokenFormat(name: string): DateFormat | string {
  const tokens: string[] = [];
  const separators: string[] = [];
  let rest = name;
  while (rest.length > 0) {
    const t = TOKEN.exec(rest);
    if (!t)
      return `${name}: expected the tokens dd or d, mm or m, and yyyy, separated by /, - or . (or nothing)`;
    tokens.push(t[1]!);
    rest = rest.slice(t[1]!.length);
    if (tokens.length < 3) {
      const sep = SEPARATORS.has(rest[0] ?? '') ? rest[0]! : '';
      separators.push(sep);
      rest = rest.slice(sep.length);
    } else if (rest.length > 0) return `${name}: unexpected text after the third token`;
  }
  const order = tokens.map((t) => t[0]).join('');
  if (tokens.length !== 3 || new Set(order).size !== 3)
    return `${name}: needs a day (dd or d), a month (mm or m) and a year (yyyy), once each`;
  if (separators.some((s) => s === '') && tokens.some((t) => t.length === 1))
    return `${name}: one-digit d and m need separators`;
  const digits = (t: string) => (t === 'yyyy' ? '(\\d{4})' : t.length === 2 ? '(\\d{2})' : '(\\d{1,2})');
  const literal = (s: string) => s.replace(/[.\-/]/g, '\\$&');
  const pattern = new RegExp(
    `^${digits(tokens[0]!)}${literal(separators[0]!)}${digits(tokens[1]!)}${literal(separators[1]!)}${digits(tokens[2]!)}$`,
  );
  const at = (letter: string) => order.indexOf(letter) + 1;
  return {
    name,
    label: name,
    read(text) {
      const m = pattern.exec(text);
      return m ? checked({ y: Number(m[at('y')]), m: Number(m[at('m')]), d: Number(m[at('d')]) }) : null;
    },
    write(date) {
      const part = (t: string) =>
        t === 'yyyy' ? pad(date.y, 4) : pad(t[0] === 'd' ? date.d : date.m, t.length);
      return `${part(tokens[0]!)}${separators[0]}${part(tokens[1]!)}${separators[1]}${part(tokens[2]!)}`;
    },
    shape: { order, separators: separators.join('') },
  };
}

/** A date format by name (`iso`, `excel` or a token pattern); an error message when it is none. */
export function dateFormat(name: string): DateFormat | string {
  if (name === 'iso') return iso;
  if (name === 'excel') return excel;
  return tokenFormat(name);
}

/**
 * Why two formats cannot be tried on one column: some text reads as a different date in each
 * (`dd/mm/yyyy` and `mm/dd/yyyy` read 05/03/2024 as 5 March and 3 May). Undefined when they can.
 */
export function ambiguity(a: DateFormat, b: DateFormat): string | undefined {
  if (!a.shape || !b.shape || a.shape.separators !== b.shape.separators) return undefined;
  if (a.shape.order === b.shape.order) return undefined;
  // With separators a four-digit year never fits a one- or two-digit part: only a day/month swap
  // around the year in the same place collides. Without separators every order of 8 digits does.
  if (a.shape.separators !== '' && a.shape.order.indexOf('y') !== b.shape.order.indexOf('y'))
    return undefined;
  return `${a.name} and ${b.name} read the same text as different dates: keep one`;
}
