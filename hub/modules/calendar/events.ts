import type { EventData } from '../../kernel/event-store.js';
import type { LocalDate, Weekday } from '../../kernel/local-date.js';

/** Office hours of a working day, local time `HH:MM` (from inclusive, to exclusive). */
export interface WorkingInterval {
  from: string;
  to: string;
}

/** Days off: one day (`from` = `to`) or a run of days, both inclusive. */
export interface Holiday {
  from: LocalDate;
  to: LocalDate;
  /** What it is, e.g. `Tết Âm lịch (Bính Ngọ)`, `Nghỉ bù Giỗ Tổ Hùng Vương`. */
  name: string;
  /** The legal act that makes it a day off. */
  basis: string;
}

/** A weekday given off and a weekly rest day worked instead (hoán đổi ngày làm việc). */
export interface Swap {
  dayOff: LocalDate;
  workedOn: LocalDate;
  basis: string;
}

/** A weekly rest day that is a working day (làm bù) without a swap of the same year. */
export interface MakeUpWorkingDay {
  date: LocalDate;
  basis: string;
  name?: string;
}

/** Which days of one year are working days and when the offices are open (the content of a declaration). */
export interface WorkingCalendarYear {
  year: number;
  /** Only `Asia/Ho_Chi_Minh` (UTC+7, no daylight saving). */
  timeZone: 'Asia/Ho_Chi_Minh';
  weeklyRestDays: Weekday[];
  workingHours: WorkingInterval[];
  /** Where the office hours come from. */
  workingHoursBasis: string;
  holidays: Holiday[];
  swaps: Swap[];
  makeUpWorkingDays: MakeUpWorkingDay[];
}

export interface WorkingCalendarYearDeclaredData extends WorkingCalendarYear {
  /** 1, 2, … — a year declared again with other content gets the next version. */
  version: number;
  /** SHA-256 (hex) of the canonical content: declaring unchanged content again appends nothing. */
  digest: string;
}

export type WorkingCalendarYearDeclared = EventData<
  'WorkingCalendarYearDeclared',
  WorkingCalendarYearDeclaredData
>;
export type CalendarEvent = WorkingCalendarYearDeclared;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['WorkingCalendarYearDeclared'] as const;

export const CALENDAR_STREAM_CATEGORY = 'calendar';
export const calendarStream = (year: number) => `${CALENDAR_STREAM_CATEGORY}-${year}`;
