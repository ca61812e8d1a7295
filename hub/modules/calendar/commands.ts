import type { Command } from '../../kernel/decider/index.js';
import type { WorkingCalendarYear } from './events.js';

/** Declare a year of the working calendar: a new version when its content changed, nothing otherwise. */
export type DeclareWorkingCalendarYear = Command<'DeclareWorkingCalendarYear', WorkingCalendarYear>;

export type CalendarCommand = DeclareWorkingCalendarYear;
