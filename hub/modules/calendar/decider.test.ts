import { describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { DeciderSpecification } from '../../kernel/decider/index.js';
import { CalendarDeclarationInvalidError } from '../../kernel/errors/index.js';
import { deciderFixtures } from '../../testing/decider.js';
import type { DeclareWorkingCalendarYear } from './commands.js';
import { calendarDecider, canonicalYear, yearDigest } from './decider.js';
import type { CalendarEvent, WorkingCalendarYear } from './events.js';
import { calendarYearsIn } from './files.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(calendarDecider, { validate: (e) => validator.validate(e) });
const { meta, event } = deciderFixtures<CalendarEvent>('2025-12-26T00:00:00Z', 'test');

const y2026 = calendarYearsIn().find((y) => y.year === 2026)!;
const declare = (n: number, data: WorkingCalendarYear = y2026): DeclareWorkingCalendarYear => ({
  type: 'DeclareWorkingCalendarYear',
  data,
  meta: meta(n),
});
const declared = (n: number, data: WorkingCalendarYear, version: number) =>
  event(n, 'WorkingCalendarYearDeclared', { ...canonicalYear(data), version, digest: yearDigest(data) });

const withCultureDaySwap: WorkingCalendarYear = {
  ...y2026,
  swaps: [...y2026.swaps, { dayOff: '2026-11-23', workedOn: '2026-11-28', basis: 'Công văn (thử nghiệm)' }],
};

describe('working calendar decider', () => {
  it('declares v1, a changed year as v2, and nothing when the content is unchanged', () => {
    given([])
      .when(declare(1))
      .then([declared(1, y2026, 1)]);
    given([declared(1, y2026, 1)])
      .when(declare(2))
      .thenNothing();
    given([declared(1, y2026, 1)])
      .when(declare(2, withCultureDaySwap))
      .then([declared(2, withCultureDaySwap, 2)]);
  });

  it('compares content, not the order entries were written in', () => {
    const reordered = {
      ...y2026,
      holidays: [...y2026.holidays].reverse(),
      swaps: [...y2026.swaps].reverse(),
    };
    expect(yearDigest(reordered)).toBe(yearDigest(y2026));
    given([declared(1, y2026, 1)])
      .when(declare(2, reordered))
      .thenNothing();
    expect(yearDigest({ ...y2026, workingHours: [{ from: '08:00', to: '12:00' }] })).not.toBe(
      yearDigest(y2026),
    );
  });

  it('refuses a year that breaks the rules, naming the path', () =>
    given([])
      .when(
        declare(1, {
          ...y2026,
          holidays: [...y2026.holidays, { ...y2026.holidays[0]!, from: '2025-12-31' }],
        }),
      )
      .thenThrows(
        CalendarDeclarationInvalidError,
        (e) =>
          e.year === 2026 &&
          e.issues.some(
            (i) => i.path === `/holidays/${y2026.holidays.length}/from` && i.message === 'must be in 2026',
          ),
      ));
});
