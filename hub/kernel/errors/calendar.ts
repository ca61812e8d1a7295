import { defineError } from './base.js';

// ── Working-day calendar ───────────────────────────────────────────────────────────────────────

/**
 * A computation reached a day of a year the working calendar has no declaration for: the hub does
 * not guess which days of that year are working days. An operator declares the year
 * (`npm run hub -- calendar load <file>`).
 */
export class CalendarYearNotDeclaredError extends defineError({
  code: 'CALENDAR_YEAR_NOT_DECLARED',
  status: 409,
  args: (year: number, declared: readonly number[]) => ({ year, declared: [...declared] }),
  message: (d) =>
    `the working calendar has no declaration for ${d.year} (declared: ${
      d.declared.length > 0 ? d.declared.join(', ') : 'none'
    }); declare it with \`hub calendar load <file>\``,
}) {}

/** An argument of a working-calendar computation is not usable (not a date, a negative count, …). */
export class CalendarInvalidArgumentError extends defineError({
  code: 'CALENDAR_INVALID_ARGUMENT',
  status: 400,
  args: (argument: string, reason: string) => ({ argument, reason }),
  message: (d) => `${d.argument}: ${d.reason}`,
}) {}

export interface CalendarIssue {
  /** JSON pointer into the declaration of the year, e.g. `/swaps/0/workedOn`. */
  path: string;
  message: string;
}

/** A year's declaration breaks a rule of the calendar (a date outside the year, a swap onto a weekday, …). */
export class CalendarDeclarationInvalidError extends defineError({
  code: 'CALENDAR_DECLARATION_INVALID',
  status: 400,
  args: (year: number, issues: readonly CalendarIssue[]) => ({ year, issues: [...issues] }),
  message: (d) => `working calendar ${d.year}: ${d.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
}) {}
