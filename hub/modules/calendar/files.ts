import { fileURLToPath } from 'node:url';
import { compileSchema, type Parsed, parseYamlDocument, readYamlDocument } from '../../kernel/documents.js';
import { type FileIssue, InvalidDocumentError } from '../../kernel/errors/index.js';
import type { LocalDate, Weekday } from '../../kernel/local-date.js';
import { WorkingCalendar } from './calendar.js';
import { declarationIssues } from './decider.js';
import type { MakeUpWorkingDay, Swap, WorkingCalendarYear, WorkingInterval } from './events.js';

/** The calendar bundled with the hub: Vietnam, 2024 onwards. */
export const BUNDLED_CALENDAR_FILE = fileURLToPath(new URL('./holidays/vn.yaml', import.meta.url));

interface HolidayEntry {
  date?: LocalDate;
  from?: LocalDate;
  to?: LocalDate;
  name: string;
  basis: string;
}

interface YearEntry {
  year: number;
  weeklyRestDays?: Weekday[];
  workingHours?: WorkingInterval[];
  workingHoursBasis?: string;
  holidays: HolidayEntry[];
  swaps?: Swap[];
  makeUpWorkingDays?: MakeUpWorkingDay[];
}

/** A calendar file as written (schemas/working-calendar.schema.json). */
export interface CalendarFile {
  timeZone: 'Asia/Ho_Chi_Minh';
  weeklyRestDays: Weekday[];
  workingHours: WorkingInterval[];
  workingHoursBasis: string;
  years: YearEntry[];
}

export interface CalendarFileResult {
  years: WorkingCalendarYear[];
  issues: FileIssue[];
}

/**
 * Where an issue of a year's declaration points in the file: a year's own entry, or the file's
 * defaults when the year takes them; a one-day holiday's `from`/`to` is its `date`.
 */
function filePath(doc: CalendarFile, index: number, path: string): string {
  const entry = doc.years[index]!;
  const [, field, item] = path.split('/');
  if ((field === 'weeklyRestDays' || field === 'workingHours') && entry[field] === undefined) return path;
  if (field === 'holidays' && item !== undefined && entry.holidays[Number(item)]?.date !== undefined) {
    return `/years/${index}${path.replace(/\/(from|to)$/, '/date')}`;
  }
  return `/years/${index}${path}`;
}

function toYear(doc: CalendarFile, entry: YearEntry): WorkingCalendarYear {
  return {
    year: entry.year,
    timeZone: doc.timeZone,
    weeklyRestDays: entry.weeklyRestDays ?? doc.weeklyRestDays,
    workingHours: entry.workingHours ?? doc.workingHours,
    workingHoursBasis: entry.workingHoursBasis ?? doc.workingHoursBasis,
    holidays: entry.holidays.map(({ date, from, to, name, basis }) => ({
      from: (date ?? from)!,
      to: (date ?? to)!,
      name,
      basis,
    })),
    swaps: entry.swaps ?? [],
    makeUpWorkingDays: entry.makeUpWorkingDays ?? [],
  };
}

const SCHEMA_FILE = 'working-calendar.schema.json';

/**
 * A calendar file once parsed (schema and YAML syntax, with lines), checked against the rules of
 * each year (dates inside it, swaps and make-up days on the right days, no overlaps) and years
 * given once. Every issue names the file, a JSON pointer and, where known, the line.
 */
function checkCalendarFile(file: string, parsed: Parsed<CalendarFile>): CalendarFileResult {
  if (!parsed.ok) return { years: [], issues: parsed.issues };
  const doc = parsed.value;
  const issues: FileIssue[] = [];
  const issue = (path: string, message: string) => {
    const line = parsed.lineOf(path);
    if (!issues.some((i) => i.path === path && i.message === message)) {
      issues.push({ file, path, ...(line ? { line } : {}), message });
    }
  };
  const seen = new Map<number, number>();
  const years: WorkingCalendarYear[] = [];
  doc.years.forEach((entry, i) => {
    const before = issues.length;
    const first = seen.get(entry.year);
    if (first !== undefined) issue(`/years/${i}/year`, `${entry.year} is already given at /years/${first}`);
    seen.set(entry.year, first ?? i);
    entry.holidays.forEach((h, j) => {
      const at = `/years/${i}/holidays/${j}`;
      if (h.date !== undefined && (h.from !== undefined || h.to !== undefined)) {
        issue(at, 'give either date or from and to, not both');
      } else if (h.date === undefined && (h.from === undefined || h.to === undefined)) {
        issue(at, `needs date, or from and to (missing ${h.from === undefined ? 'from' : 'to'})`);
      }
    });
    if (issues.length > before) return;
    const year = toYear(doc, entry);
    for (const { path, message } of declarationIssues(year)) issue(filePath(doc, i, path), message);
    if (issues.length === before) years.push(year);
  });
  return { years, issues };
}

/** Checks a calendar file's text. */
export const parseCalendarFile = (file: string, text: string): CalendarFileResult =>
  checkCalendarFile(file, parseYamlDocument<CalendarFile>(file, text, compileSchema(SCHEMA_FILE)));

/** Reads and checks a calendar file; unreadable, it is one issue naming the file. */
export const readCalendarFile = (file: string): CalendarFileResult =>
  checkCalendarFile(file, readYamlDocument<CalendarFile>(file, compileSchema(SCHEMA_FILE)));

/** The years of a calendar file; `InvalidDocumentError` listing every issue when it has any. */
export function calendarYearsIn(file: string = BUNDLED_CALENDAR_FILE): WorkingCalendarYear[] {
  const { years, issues } = readCalendarFile(file);
  if (issues.length > 0) throw new InvalidDocumentError(issues);
  return years;
}

/** The calendar of a file, without any store (pure tests, tools): default the bundled one. */
export const calendarFromFile = (file: string = BUNDLED_CALENDAR_FILE): WorkingCalendar =>
  WorkingCalendar.of(calendarYearsIn(file));
