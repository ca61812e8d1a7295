import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { type Decider, eventOf } from '../../kernel/decider/index.js';
import {
  CalendarDeclarationInvalidError,
  type CalendarIssue,
  UnknownCommandError,
} from '../../kernel/errors/index.js';
import {
  addLocalDays,
  isLocalDate,
  VIETNAM_TIME_ZONE,
  WEEKDAYS,
  type Weekday,
  weekdayOf,
  yearOf,
} from '../../kernel/local-date.js';
import type { CalendarCommand, DeclareWorkingCalendarYear } from './commands.js';
import type { CalendarEvent, WorkingCalendarYear, WorkingCalendarYearDeclaredData } from './events.js';

export type CalendarYearState =
  | { status: 'undeclared' }
  | { status: 'declared'; current: WorkingCalendarYearDeclaredData };

export const initialState = (): CalendarYearState => ({ status: 'undeclared' });

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Minutes after midnight of an `HH:MM` time (`24:00` is allowed as the end of the day). */
export const minutesOf = (time: string): number =>
  time === '24:00' ? 1440 : Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** The declaration in canonical order (days sorted, rest days in week order), as it is digested and stored. */
export function canonicalYear(y: WorkingCalendarYear): WorkingCalendarYear {
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    year: y.year,
    timeZone: y.timeZone,
    weeklyRestDays: WEEKDAYS.filter((d) => y.weeklyRestDays.includes(d)),
    workingHours: y.workingHours.map(({ from, to }) => ({ from, to })),
    workingHoursBasis: y.workingHoursBasis,
    holidays: [...y.holidays]
      .map(({ from, to, name, basis }) => ({ from, to, name, basis }))
      .sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to) || byText(a.name, b.name)),
    swaps: [...y.swaps]
      .map(({ dayOff, workedOn, basis }) => ({ dayOff, workedOn, basis }))
      .sort((a, b) => byText(a.dayOff, b.dayOff)),
    makeUpWorkingDays: [...y.makeUpWorkingDays]
      .map(({ date, basis, name }) => ({ date, basis, ...(name !== undefined ? { name } : {}) }))
      .sort((a, b) => byText(a.date, b.date)),
  };
}

/** SHA-256 (hex) of the canonical content of a year. */
export const yearDigest = (y: WorkingCalendarYear): string =>
  createHash('sha256')
    .update(stringify(canonicalYear(y)) ?? '')
    .digest('hex');

/**
 * Every rule a year's declaration breaks, each with a JSON pointer into it: dates inside the year,
 * office hours in order, runs of holidays that do not overlap, a swap that gives a weekday off for a
 * weekly rest day worked, make-up days on weekly rest days, and no day both off and worked.
 */
export function declarationIssues(y: WorkingCalendarYear): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (!Number.isInteger(y.year) || y.year < 1900 || y.year > 2999) issue('/year', 'must be a year');
  if (y.timeZone !== VIETNAM_TIME_ZONE) issue('/timeZone', `must be ${VIETNAM_TIME_ZONE}`);
  const rest = new Set<Weekday>();
  y.weeklyRestDays.forEach((d, i) => {
    if (!WEEKDAYS.includes(d)) issue(`/weeklyRestDays/${i}`, `must be one of ${WEEKDAYS.join(', ')}`);
    else if (rest.has(d)) issue(`/weeklyRestDays/${i}`, `${d} is listed twice`);
    rest.add(d);
  });
  if (rest.size === WEEKDAYS.length) issue('/weeklyRestDays', 'leaves no working day in the week');
  checkHours(y, issue);

  const inYear = (path: string, date: string): boolean => {
    if (!isLocalDate(date)) issue(path, 'must be a date YYYY-MM-DD');
    else if (yearOf(date) !== y.year) issue(path, `must be in ${y.year}`);
    else return true;
    return false;
  };
  const holidayAt = new Map<string, number>();
  y.holidays.forEach((h, i) => {
    const okFrom = inYear(`/holidays/${i}/from`, h.from);
    const okTo = inYear(`/holidays/${i}/to`, h.to);
    if (!okFrom || !okTo) return;
    if (h.to < h.from) {
      issue(`/holidays/${i}/to`, `must not be before from (${h.from})`);
      return;
    }
    for (let d = h.from; d <= h.to; d = addLocalDays(d, 1)) {
      const other = holidayAt.get(d);
      if (other !== undefined) {
        issue(`/holidays/${i}`, `overlaps /holidays/${other} on ${d}`);
        return;
      }
    }
    for (let d = h.from; d <= h.to; d = addLocalDays(d, 1)) holidayAt.set(d, i);
  });
  const dayOffAt = new Map<string, string>();
  const workedAt = new Map<string, string>();
  const dayOffRule = (path: string, date: string) => {
    if (!inYear(path, date)) return;
    if (rest.has(weekdayOf(date)))
      issue(path, `must be a working weekday, not a weekly rest day (${weekdayOf(date)})`);
    else if (holidayAt.has(date)) issue(path, `is already a holiday (/holidays/${holidayAt.get(date)})`);
    else if (dayOffAt.has(date)) issue(path, `is already given off by ${dayOffAt.get(date)}`);
    dayOffAt.set(date, path);
  };
  const workedRule = (path: string, date: string) => {
    if (!inYear(path, date)) return;
    if (!rest.has(weekdayOf(date))) issue(path, `must be a weekly rest day (${weekdayOf(date)} is not one)`);
    else if (holidayAt.has(date)) issue(path, `is a holiday (/holidays/${holidayAt.get(date)})`);
    else if (workedAt.has(date)) issue(path, `is already worked by ${workedAt.get(date)}`);
    workedAt.set(date, path);
  };
  y.swaps.forEach((s, i) => {
    dayOffRule(`/swaps/${i}/dayOff`, s.dayOff);
    workedRule(`/swaps/${i}/workedOn`, s.workedOn);
  });
  y.makeUpWorkingDays.forEach((m, i) => {
    workedRule(`/makeUpWorkingDays/${i}/date`, m.date);
  });
  return issues;
}

function checkHours(y: WorkingCalendarYear, issue: (path: string, message: string) => void) {
  if (y.workingHours.length === 0) issue('/workingHours', 'must list at least one interval');
  let previousEnd = -1;
  y.workingHours.forEach(({ from, to }, i) => {
    const okFrom = TIME.test(from);
    const okTo = TIME.test(to) || to === '24:00';
    if (!okFrom) issue(`/workingHours/${i}/from`, 'must be a time HH:MM');
    if (!okTo) issue(`/workingHours/${i}/to`, 'must be a time HH:MM');
    if (!okFrom || !okTo) return;
    if (minutesOf(to) <= minutesOf(from)) issue(`/workingHours/${i}/to`, `must be after from (${from})`);
    else if (minutesOf(from) < previousEnd) {
      issue(`/workingHours/${i}/from`, 'must not be before the end of the previous interval');
    }
    previousEnd = Math.max(previousEnd, minutesOf(to));
  });
}

export const evolve = (state: CalendarYearState, event: CalendarEvent): CalendarYearState => {
  switch (event.type) {
    case 'WorkingCalendarYearDeclared':
      return { status: 'declared', current: event.data };
    default:
      return state;
  }
};

export const decide = (command: CalendarCommand, state: CalendarYearState): CalendarEvent[] => {
  switch (command.type) {
    case 'DeclareWorkingCalendarYear':
      return declare(command, state);
    default: {
      const type: never = command.type;
      throw new UnknownCommandError({ type });
    }
  }
};

function declare({ data, meta }: DeclareWorkingCalendarYear, state: CalendarYearState): CalendarEvent[] {
  const issues = declarationIssues(data);
  if (issues.length > 0) throw new CalendarDeclarationInvalidError(data.year, issues);
  const digest = yearDigest(data);
  if (state.status === 'declared' && state.current.digest === digest) return [];
  const version = state.status === 'declared' ? state.current.version + 1 : 1;
  const declared: WorkingCalendarYearDeclaredData = { ...canonicalYear(data), version, digest };
  return [eventOf(meta, 'WorkingCalendarYearDeclared', declared)];
}

/** The working calendar's decider: one stream `calendar-<year>` per year. */
export const calendarDecider: Decider<CalendarCommand, CalendarYearState, CalendarEvent> = {
  decide,
  evolve,
  initialState,
};
