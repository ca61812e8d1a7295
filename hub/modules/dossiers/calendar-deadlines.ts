import type { WorkingCalendar } from '../calendar/index.js';
import type { WorkingTime } from './events.js';
import type { DeadlineCalculator } from './ports.js';

const HOUR_MS = 3_600_000;

/**
 * The deadline port over the declared working calendar (hub/modules/calendar): processing times in
 * working days (`day`, ngày làm việc) end when the offices close on the last working day, counted
 * from the day after receipt; in working hours (`hour`) they run through office hours only. A
 * span in days is the working days after the first instant's day up to and including the
 * second's (what a stopped clock moves a deadline in days by), in hours the office time between
 * the two instants. `calendar` is read on every call, so a year declared later is used at once;
 * a day of a year not declared is `CALENDAR_YEAR_NOT_DECLARED`, never a guess.
 */
export function calendarDeadlines(calendar: () => WorkingCalendar): DeadlineCalculator {
  return {
    addWorkingTime(from, time) {
      if (time.amount === 0) return from;
      return time.unit === 'day'
        ? calendar().addWorkingDays(from, time.amount)
        : calendar().addWorkingMinutes(from, time.amount * 60);
    },
    workingTimeBetween(from, to, unit): WorkingTime {
      const between = calendar().workingTimeBetween(from, to);
      return unit === 'day'
        ? { amount: between.days, unit }
        : { amount: between.milliseconds / HOUR_MS, unit };
    },
  };
}
