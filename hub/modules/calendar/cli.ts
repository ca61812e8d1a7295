import type { Command } from 'commander';
import { type GlobalOptions, withSession } from '../../cli/kit/context.js';
import { table } from '../../cli/kit/format.js';
import { CLI_ACTOR, validated } from '../../cli/kit/registry-session.js';
import { CalendarInvalidArgumentError, CalendarYearNotDeclaredError } from '../../kernel/errors/index.js';
import { addLocalDays } from '../../kernel/local-date.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { WorkingCalendar } from './calendar.js';
import { BUNDLED_CALENDAR_FILE, calendarYearsIn } from './files.js';
import { workingCalendarProjection } from './projection.js';
import { type DeclaredYear, declaredYears } from './queries.js';
import { declareCalendarYears } from './service.js';

function yearArgument(value: string): number {
  const year = Number(value);
  if (!/^\d{4}$/.test(value) || year < 1900 || year > 2999) {
    throw new CalendarInvalidArgumentError(
      'year',
      `must be a year such as 2026 (got ${JSON.stringify(value)})`,
    );
  }
  return year;
}

/** The days of a year the calendar does not treat as an ordinary weekday or weekly rest day. */
function describe(declared: DeclaredYear): string {
  const calendar = WorkingCalendar.of([declared]);
  const rows: string[][] = [];
  let working = 0;
  for (let d = `${declared.year}-01-01`; d.startsWith(String(declared.year)); d = addLocalDays(d, 1)) {
    const day = calendar.day(d);
    if (day.working) working++;
    if (day.kind === 'working' || day.kind === 'weekly-rest') continue;
    rows.push([d, day.weekday, day.kind, day.name ?? '', day.basis ?? '']);
  }
  const hours = declared.workingHours.map((i) => `${i.from}–${i.to}`).join(', ');
  return [
    `${declared.year}: version ${declared.version} (event ${declared.sourceEventId})`,
    `weekly rest days: ${declared.weeklyRestDays.join(', ')}; office hours ${hours} ${declared.timeZone}`,
    `  (${declared.workingHoursBasis})`,
    '',
    table(['DATE', 'WEEKDAY', 'KIND', 'NAME', 'BASIS'], rows),
    '',
    `${working} working days`,
  ].join('\n');
}

export function registerCalendarCommands(
  program: Command,
  projections: readonly ProjectionDefinition[],
): void {
  const group = program
    .command('calendar')
    .description('the working-day calendar legal deadlines are counted in (holidays, swaps, office hours)');

  group
    .command('validate')
    .description(
      'check a calendar file against schemas/working-calendar.schema.json and its rules (no store needed)',
    )
    .argument('[file]', 'calendar file (default: the bundled hub/modules/calendar/holidays/vn.yaml)')
    .action((file: string | undefined) => {
      const years = calendarYearsIn(file ?? BUNDLED_CALENDAR_FILE);
      console.log(`${years.length} year(s) valid: ${years.map((y) => y.year).join(', ')}`);
    });

  group
    .command('load')
    .description('declare every year of a calendar file; a year whose content is unchanged appends nothing')
    .argument('[file]', 'calendar file (default: the bundled hub/modules/calendar/holidays/vn.yaml)')
    .action(async (file: string | undefined, _options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const years = calendarYearsIn(file ?? BUNDLED_CALENDAR_FILE);
      const outcomes = await withSession(global, projections, ({ store }) =>
        declareCalendarYears(validated(store), years, { actor: CLI_ACTOR }),
      );
      for (const o of outcomes) {
        console.log(`${o.year}: ${o.changed ? `declared v${o.version}` : `unchanged (v${o.version})`}`);
      }
    });

  group
    .command('show')
    .description(
      'the declaration in force for a year: office hours, then every holiday, swap and make-up day',
    )
    .argument('[year]', 'the year (default: list the declared years)')
    .option('--json', 'print JSON')
    .action(async (year: string | undefined, options: { json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const wanted = year === undefined ? undefined : yearArgument(year);
      const all = await withSession(global, projections, async ({ runner, db }) => {
        await runner.catchUp(workingCalendarProjection.name);
        return declaredYears(db);
      });
      const years = wanted === undefined ? all : all.filter((y) => y.year === wanted);
      if (wanted !== undefined && years.length === 0) {
        throw new CalendarYearNotDeclaredError(
          wanted,
          all.map((y) => y.year),
        );
      }
      if (options.json) {
        console.log(JSON.stringify(wanted === undefined ? years : years[0], null, 2));
      } else if (wanted === undefined) {
        console.log(
          table(
            ['YEAR', 'VERSION', 'HOLIDAYS', 'SWAPS', 'EVENT'],
            years.map((y) => [String(y.year), y.version, y.holidays.length, y.swaps.length, y.sourceEventId]),
          ),
        );
      } else {
        console.log(describe(years[0]!));
      }
    });
}
