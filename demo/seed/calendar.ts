import { decideAll } from '../../hub/kernel/decider/index.js';
import {
  BUNDLED_CALENDAR_FILE,
  type CalendarCommand,
  calendarDecider,
  calendarStream,
  calendarYearsIn,
} from '../../hub/modules/calendar/index.js';
import { seedMeta } from './agencies.js';
import { builtDataset, type DemoDataset } from './dataset.js';

const BUILDER_VERSION = 1;

/**
 * The working-day calendar bundled with the hub (hub/modules/calendar/holidays/vn.yaml): one
 * `WorkingCalendarYearDeclared` per year, its id derived from the year's content.
 */
export function calendarDataset(options: { file?: string } = {}): DemoDataset {
  return builtDataset('calendar', BUILDER_VERSION, () =>
    calendarYearsIn(options.file ?? BUNDLED_CALENDAR_FILE).map((year) => {
      const stream = calendarStream(year.year);
      const command: CalendarCommand = {
        type: 'DeclareWorkingCalendarYear',
        data: year,
        meta: seedMeta(stream, 'WorkingCalendarYearDeclared', year, `${year.year - 1}-12-01T00:00:00+07:00`),
      };
      return { stream, events: decideAll(calendarDecider, [command]) };
    }),
  );
}
