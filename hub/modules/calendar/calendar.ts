import {
  CalendarDeclarationInvalidError,
  CalendarInvalidArgumentError,
  CalendarYearNotDeclaredError,
} from '../../kernel/errors/index.js';
import {
  addLocalDays,
  isLocalDate,
  type LocalDate,
  localDateOf,
  startOfLocalDate,
  type Weekday,
  weekdayOf,
  yearOf,
} from '../../kernel/local-date.js';
import { declarationIssues, minutesOf } from './decider.js';
import type { WorkingCalendarYear, WorkingInterval } from './events.js';

/** Why a day is, or is not, a working day. */
export type DayKind = 'working' | 'weekly-rest' | 'holiday' | 'swapped-off' | 'make-up';

/** One day of the calendar. */
export interface DayInfo {
  date: LocalDate;
  weekday: Weekday;
  working: boolean;
  kind: DayKind;
  /** The holiday's name, for `holiday` days (and a make-up day's, when it has one). */
  name?: string;
  /** The legal act, for every day that is not an ordinary weekday or weekly rest day. */
  basis?: string;
  /** Office hours that day (empty when it is not a working day). */
  hours: readonly WorkingInterval[];
}

/** Working time between two instants (negative when the second is earlier). */
export interface WorkingTime {
  /** Working days after the first instant's day up to and including the second instant's day. */
  days: number;
  /** Whole working minutes between the two instants (truncated toward zero). */
  minutes: number;
  milliseconds: number;
}

interface Exception {
  working: boolean;
  kind: DayKind;
  name?: string;
  basis: string;
}

interface YearTable {
  rest: ReadonlySet<Weekday>;
  hours: readonly WorkingInterval[];
  /** Office hours as [from, to) offsets in ms from the start of the day. */
  spans: readonly (readonly [number, number])[];
  exceptions: ReadonlyMap<LocalDate, Exception>;
}

const MINUTE_MS = 60_000;

function yearTable(y: WorkingCalendarYear): YearTable {
  const exceptions = new Map<LocalDate, Exception>();
  for (const h of y.holidays) {
    for (let d = h.from; d <= h.to; d = addLocalDays(d, 1)) {
      exceptions.set(d, { working: false, kind: 'holiday', name: h.name, basis: h.basis });
    }
  }
  for (const s of y.swaps) {
    exceptions.set(s.dayOff, { working: false, kind: 'swapped-off', basis: s.basis });
    exceptions.set(s.workedOn, { working: true, kind: 'make-up', basis: s.basis });
  }
  for (const m of y.makeUpWorkingDays) {
    exceptions.set(m.date, {
      working: true,
      kind: 'make-up',
      basis: m.basis,
      ...(m.name !== undefined ? { name: m.name } : {}),
    });
  }
  return {
    rest: new Set(y.weeklyRestDays),
    hours: y.workingHours,
    spans: y.workingHours.map((i) => [minutesOf(i.from) * MINUTE_MS, minutesOf(i.to) * MINUTE_MS] as const),
    exceptions,
  };
}

function instant(argument: string, value: Date): number {
  const t = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new CalendarInvalidArgumentError(argument, 'is not a valid instant');
  return t;
}

function count(argument: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new CalendarInvalidArgumentError(
      argument,
      `must be a ${integer ? 'whole ' : ''}number ≥ 0 (got ${String(value)})`,
    );
  }
  return value;
}

/**
 * Vietnam's working days and office hours for the years declared, and deadline arithmetic over
 * them. Pure: no clock, no IO; instants are `Date`s, days are local dates (`YYYY-MM-DD`, UTC+7).
 * Any day of a year not declared is `CalendarYearNotDeclaredError`, never a guess.
 *
 * Counting rules (README, "Counting rules"): a period in working days starts on the first working
 * day after the day of receipt (Bộ luật Dân sự 2015, art. 147(1): the first day is not counted) and
 * ends when the offices close on its last working day; a period in working hours runs through
 * office hours only, from the receipt when the offices are open, otherwise from their next opening.
 */
export class WorkingCalendar {
  private readonly tables: ReadonlyMap<number, YearTable>;

  private constructor(tables: ReadonlyMap<number, YearTable>) {
    this.tables = tables;
  }

  /** A calendar of the given years; a year's rules are checked (`CalendarDeclarationInvalidError`). */
  static of(years: readonly WorkingCalendarYear[]): WorkingCalendar {
    const tables = new Map<number, YearTable>();
    for (const y of years) {
      const issues = declarationIssues(y);
      if (tables.has(y.year)) issues.push({ path: '/year', message: `${y.year} is given twice` });
      if (issues.length > 0) throw new CalendarDeclarationInvalidError(y.year, issues);
      tables.set(y.year, yearTable(y));
    }
    return new WorkingCalendar(tables);
  }

  /** The years declared, ascending. */
  get years(): number[] {
    return [...this.tables.keys()].sort((a, b) => a - b);
  }

  /** Whether the calendar knows the day's year. */
  covers(date: LocalDate): boolean {
    return isLocalDate(date) && this.tables.has(yearOf(date));
  }

  private table(date: LocalDate): YearTable {
    if (!isLocalDate(date)) throw new CalendarInvalidArgumentError('date', `not a date YYYY-MM-DD: ${date}`);
    const table = this.tables.get(yearOf(date));
    if (!table) throw new CalendarYearNotDeclaredError(yearOf(date), this.years);
    return table;
  }

  /** What the calendar says of a day. */
  day(date: LocalDate): DayInfo {
    const table = this.table(date);
    const weekday = weekdayOf(date);
    const exception = table.exceptions.get(date);
    const working = exception ? exception.working : !table.rest.has(weekday);
    return {
      date,
      weekday,
      working,
      kind: exception?.kind ?? (working ? 'working' : 'weekly-rest'),
      ...(exception?.name !== undefined ? { name: exception.name } : {}),
      ...(exception ? { basis: exception.basis } : {}),
      hours: working ? table.hours : [],
    };
  }

  isWorkingDay(date: LocalDate): boolean {
    return this.day(date).working;
  }

  /** The first working day after `date`. */
  nextWorkingDay(date: LocalDate): LocalDate {
    let d = addLocalDays(this.day(date).date, 1);
    while (!this.isWorkingDay(d)) d = addLocalDays(d, 1);
    return d;
  }

  /** Office hours of a working day as instants (epoch ms); none on other days. */
  private spansOf(date: LocalDate): (readonly [number, number])[] {
    if (!this.isWorkingDay(date)) return [];
    const start = startOfLocalDate(date);
    return this.table(date).spans.map(([from, to]) => [start + from, start + to] as const);
  }

  /** When the offices close on a working day. */
  private closeOf(date: LocalDate): number {
    return this.spansOf(date).at(-1)![1];
  }

  /**
   * The deadline of a period of `days` working days from `from` (the receipt): the close of office
   * hours on the `days`-th working day after the day of `from`. With 0, the close of the day of
   * `from` when it is a working day and the offices have not closed yet, otherwise of the next
   * working day.
   */
  addWorkingDays(from: Date, days: number): Date {
    const t = instant('from', from);
    count('days', days, true);
    let d = localDateOf(t);
    if (days === 0) {
      if (this.isWorkingDay(d) && t < this.closeOf(d)) return new Date(this.closeOf(d));
      return new Date(this.closeOf(this.nextWorkingDay(d)));
    }
    for (let n = 0; n < days; n++) d = this.nextWorkingDay(d);
    return new Date(this.closeOf(d));
  }

  /**
   * The instant `minutes` of office time after `from`: counted from `from` when the offices are
   * open, otherwise from their next opening; a period ending as an interval ends gives that end
   * (11:30, not 13:00). With 0, the next opening (or `from` itself when open).
   */
  addWorkingMinutes(from: Date, minutes: number): Date {
    let t = instant('from', from);
    let remaining = Math.round(count('minutes', minutes, false) * MINUTE_MS);
    for (let d = localDateOf(t); ; d = addLocalDays(d, 1)) {
      for (const [start, end] of this.spansOf(d)) {
        if (end <= t) continue;
        t = Math.max(start, t);
        if (remaining <= end - t) return new Date(t + remaining);
        remaining -= end - t;
        t = end;
      }
    }
  }

  /** `addWorkingMinutes(from, hours × 60)`. */
  addWorkingHours(from: Date, hours: number): Date {
    return this.addWorkingMinutes(from, count('hours', hours, false) * 60);
  }

  /** The first instant at or after `at` when the offices are open. */
  nextOpening(at: Date): Date {
    return this.addWorkingMinutes(at, 0);
  }

  /**
   * Working time from `a` to `b`: office time between them, and the working days after `a`'s day up
   * to `b`'s day — so `workingTimeBetween(r, addWorkingDays(r, n)).days === n` for n ≥ 1. Negative
   * when `b` is before `a`. Every day in between must be declared.
   */
  workingTimeBetween(a: Date, b: Date): WorkingTime {
    const ta = instant('a', a);
    const tb = instant('b', b);
    if (tb < ta) {
      const r = this.workingTimeBetween(b, a);
      const negate = (n: number) => (n === 0 ? 0 : -n);
      return { days: negate(r.days), minutes: negate(r.minutes), milliseconds: negate(r.milliseconds) };
    }
    const first = localDateOf(ta);
    const last = localDateOf(tb);
    let days = 0;
    let ms = 0;
    for (let d = first; d <= last; d = addLocalDays(d, 1)) {
      const spans = this.spansOf(d);
      if (spans.length > 0 && d > first) days++;
      for (const [start, end] of spans) ms += Math.max(0, Math.min(end, tb) - Math.max(start, ta));
    }
    return { days, minutes: Math.trunc(ms / MINUTE_MS), milliseconds: ms };
  }
}
