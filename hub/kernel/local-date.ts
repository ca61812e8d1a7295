/**
 * Calendar days in Vietnam. Vietnam keeps UTC+7 all year (Asia/Ho_Chi_Minh has had no daylight
 * saving since 1975), so a local day is a fixed 24-hour span of instants and day arithmetic needs no
 * time-zone database. A `LocalDate` is written `YYYY-MM-DD`.
 */

export type LocalDate = string;

export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;

/** Days of the week, in ISO order (Monday first). */
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch day (days since 1970-01-01) of a `YYYY-MM-DD` date, or undefined when it is not a real date. */
function epochDay(date: string): number | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined;
  }
  return ms / DAY_MS;
}

const fromEpochDay = (day: number): LocalDate => new Date(day * DAY_MS).toISOString().slice(0, 10);

function requireEpochDay(date: LocalDate): number {
  const day = epochDay(date);
  if (day === undefined) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return day;
}

/** True for a real calendar date written `YYYY-MM-DD` (`2025-02-29` is not one). */
export const isLocalDate = (value: unknown): value is LocalDate =>
  typeof value === 'string' && epochDay(value) !== undefined;

let lastDay = Number.NaN;
let lastDate = '';

/**
 * The day in Vietnam at an instant. Every authenticated request asks for it, so the last day's text
 * is kept (a pure cache: same answer). An invalid date throws `RangeError`, as `toISOString` does.
 */
export function localDateOf(at: Date | number): LocalDate {
  const day = Math.floor((Number(at) + VIETNAM_OFFSET_MS) / DAY_MS);
  if (day !== lastDay) {
    lastDate = fromEpochDay(day);
    lastDay = day;
  }
  return lastDate;
}

/** The instant (epoch ms) a day begins in Vietnam (00:00 UTC+7). */
export const startOfLocalDate = (date: LocalDate): number =>
  requireEpochDay(date) * DAY_MS - VIETNAM_OFFSET_MS;

/** `date` moved by `days` (negative: earlier). */
export const addLocalDays = (date: LocalDate, days: number): LocalDate =>
  fromEpochDay(requireEpochDay(date) + days);

/** The day of the week of a date. */
export const weekdayOf = (date: LocalDate): Weekday =>
  // 1970-01-01 was a Thursday (index 3 from Monday)
  WEEKDAYS[(((requireEpochDay(date) + 3) % 7) + 7) % 7]!;

/** The year of a date. */
export const yearOf = (date: LocalDate): number => Number(date.slice(0, 4));
