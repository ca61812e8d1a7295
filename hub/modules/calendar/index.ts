import type { HubModule } from '../../kernel/module.js';
import { registerCalendarCommands } from './cli.js';
import { calendarPlugin } from './plugin.js';
import { workingCalendarProjection } from './projection.js';

/**
 * Vietnam's working-day calendar: which days are working days (holidays, swapped days, make-up
 * Saturdays) and the office hours, declared per year as versioned events; deadline arithmetic in
 * working days and hours over it.
 */
export const calendarModule: HubModule = {
  name: 'calendar',
  projections: [workingCalendarProjection],
  plugin: calendarPlugin,
  cli: (program, { projections }) => registerCalendarCommands(program, projections),
};

export { type DayInfo, type DayKind, WorkingCalendar, type WorkingTime } from './calendar.js';
export * from './commands.js';
export {
  type CalendarYearState,
  calendarDecider,
  canonicalYear,
  declarationIssues,
  yearDigest,
} from './decider.js';
export * from './events.js';
export {
  BUNDLED_CALENDAR_FILE,
  type CalendarFileResult,
  calendarFromFile,
  calendarYearsIn,
  parseCalendarFile,
  readCalendarFile,
} from './files.js';
export { workingCalendarProjection } from './projection.js';
export {
  calendarFrom,
  type DeclaredYear,
  declaredYear,
  declaredYears,
  workingCalendarOf,
} from './queries.js';
export {
  type DeclareOutcome,
  declareCalendarYears,
  loadCalendarYear,
} from './service.js';
