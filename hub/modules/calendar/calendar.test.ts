import { describe, expect, it } from 'vitest';
import {
  CalendarDeclarationInvalidError,
  CalendarInvalidArgumentError,
  CalendarYearNotDeclaredError,
} from '../../kernel/errors/index.js';
import { addLocalDays, weekdayOf } from '../../kernel/local-date.js';
import { WorkingCalendar } from './calendar.js';
import { calendarFromFile, calendarYearsIn } from './files.js';

const calendar = calendarFromFile();
/** An instant in Vietnam: `at('2025-01-24 10:00')`. */
const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
/** An instant as Vietnam's wall clock: `2025-02-05 17:00`. */
const local = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The weekdays that are not working days and the weekend days that are, as MM-DD. */
function exceptions(year: number) {
  const off: string[] = [];
  const worked: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addLocalDays(d, 1)) {
    const weekend = ['saturday', 'sunday'].includes(weekdayOf(d));
    if (!weekend && !calendar.isWorkingDay(d)) off.push(d.slice(5));
    if (weekend && calendar.isWorkingDay(d)) worked.push(d.slice(5));
  }
  return { off, worked };
}

describe('the bundled calendar (holidays/vn.yaml)', () => {
  it('declares 2024 to 2027 with office hours of 8 hours a day', () => {
    expect(calendar.years).toEqual([2024, 2025, 2026, 2027]);
    expect(calendar.day('2026-03-02').hours).toEqual([
      { from: '07:30', to: '11:30' },
      { from: '13:00', to: '17:00' },
    ]);
  });

  it("gives each year's weekdays off and Saturdays worked as the Labour Code and the notices say", () => {
    // 5015/TB-LĐTBXH (Tết 8–14/2: five days and two in lieu), 2450/VPCP-KGVX (29/4 for 4/5)
    expect(exceptions(2024)).toEqual({
      off: [
        '01-01',
        '02-08',
        '02-09',
        '02-12',
        '02-13',
        '02-14',
        '04-18',
        '04-29',
        '04-30',
        '05-01',
        '09-02',
        '09-03',
      ],
      worked: ['05-04'],
    });
    // 8726/VPCP-KGVX: Tết 25/1–2/2 (27–31/1 on weekdays), 2/5 for 26/4, Quốc khánh 1–2/9
    expect(exceptions(2025)).toEqual({
      off: [
        '01-01',
        '01-27',
        '01-28',
        '01-29',
        '01-30',
        '01-31',
        '04-07',
        '04-30',
        '05-01',
        '05-02',
        '09-01',
        '09-02',
      ],
      worked: ['04-26'],
    });
    // 12729/VPCP-KGVX (2/1 for 10/1), 9441/TB-BNV (Tết 14–22/2, 31/8 for 22/8), Giỗ Tổ on a
    // Sunday made up on 27/4, Ngày Văn hóa Việt Nam 24/11
    expect(exceptions(2026)).toEqual({
      off: [
        '01-01',
        '01-02',
        '02-16',
        '02-17',
        '02-18',
        '02-19',
        '02-20',
        '04-27',
        '04-30',
        '05-01',
        '08-31',
        '09-01',
        '09-02',
        '11-24',
      ],
      worked: ['01-10', '08-22'],
    });
  });

  it('says why a day is off, with its legal basis', () => {
    expect(calendar.day('2026-02-17')).toMatchObject({
      working: false,
      kind: 'holiday',
      name: expect.stringContaining('Tết Âm lịch Bính Ngọ'),
      basis: expect.stringContaining('9441/TB-BNV'),
      hours: [],
    });
    expect(calendar.day('2024-04-29')).toMatchObject({ working: false, kind: 'swapped-off' });
    expect(calendar.day('2024-05-04')).toMatchObject({ working: true, kind: 'make-up', weekday: 'saturday' });
    expect(calendar.day('2026-03-07')).toMatchObject({ working: false, kind: 'weekly-rest' });
    expect(calendar.day('2026-03-09')).toEqual({
      date: '2026-03-09',
      weekday: 'monday',
      working: true,
      kind: 'working',
      hours: calendar.day('2026-03-10').hours,
    });
  });
});

describe('working days: the day of receipt is not counted; the deadline is when the offices close', () => {
  it('skips Tết 2025 (25/1–2/2)', () => {
    expect(local(calendar.addWorkingDays(at('2025-01-24 10:00'), 3))).toBe('2025-02-05 17:00');
    // received during Tết, or on its eve after closing: day 1 is the first day back
    expect(local(calendar.addWorkingDays(at('2025-01-28 09:00'), 1))).toBe('2025-02-03 17:00');
    expect(local(calendar.addWorkingDays(at('2025-01-24 18:30'), 1))).toBe('2025-02-03 17:00');
    // before Tết, the days left before it count
    expect(local(calendar.addWorkingDays(at('2025-01-22 10:00'), 3))).toBe('2025-02-03 17:00');
  });

  it('skips Tết 2026 (14–22/2)', () => {
    expect(local(calendar.addWorkingDays(at('2026-02-13 15:00'), 5))).toBe('2026-02-27 17:00');
    expect(local(calendar.addWorkingDays(at('2026-02-14 09:00'), 5))).toBe('2026-02-27 17:00');
    expect(local(calendar.addWorkingDays(at('2026-02-11 08:00'), 3))).toBe('2026-02-23 17:00');
  });

  it('counts into 2027 across New Year and the provisional Tết 2027 (5–11/2)', () => {
    // receipt Tuesday 29/12 not counted; 30/12, 31/12, (1/1 off), 4/1, 5/1, 6/1
    expect(local(calendar.addWorkingDays(at('2026-12-29 10:00'), 5))).toBe('2027-01-06 17:00');
    // Thursday 4/2: Tết 5–11/2 off, Friday 12/2 and Monday 15/2 count
    expect(local(calendar.addWorkingDays(at('2027-02-04 10:00'), 2))).toBe('2027-02-15 17:00');
    // 1/5 on Saturday is made up on Monday 3/5 (art. 111(3)); 30/4 a Friday
    expect(local(calendar.addWorkingDays(at('2027-04-29 10:00'), 1))).toBe('2027-05-04 17:00');
  });

  it('counts a make-up Saturday and skips a swapped weekday', () => {
    // 2024: Monday 29/4 off (swapped), 30/4 and 1/5 holidays, Saturday 4/5 worked
    expect(local(calendar.addWorkingDays(at('2024-04-26 10:00'), 1))).toBe('2024-05-02 17:00');
    expect(local(calendar.addWorkingDays(at('2024-05-03 10:00'), 1))).toBe('2024-05-04 17:00');
    // 2025: Saturday 26/4 worked, Friday 2/5 off
    expect(local(calendar.addWorkingDays(at('2025-04-25 10:00'), 1))).toBe('2025-04-26 17:00');
    expect(local(calendar.addWorkingDays(at('2025-04-29 10:00'), 1))).toBe('2025-05-05 17:00');
    // 2026: Friday 2/1 off, Saturday 10/1 worked
    expect(local(calendar.addWorkingDays(at('2025-12-31 10:00'), 1))).toBe('2026-01-05 17:00');
    expect(local(calendar.addWorkingDays(at('2026-01-09 10:00'), 1))).toBe('2026-01-10 17:00');
  });

  it('with 0 days, gives the close of the day of receipt, or of the next working day once closed', () => {
    expect(local(calendar.addWorkingDays(at('2026-03-02 09:00'), 0))).toBe('2026-03-02 17:00');
    expect(local(calendar.addWorkingDays(at('2026-03-02 17:00'), 0))).toBe('2026-03-03 17:00');
    expect(local(calendar.addWorkingDays(at('2026-03-07 09:00'), 0))).toBe('2026-03-09 17:00');
  });
});

describe('working hours: counted in office hours from the receipt, or from the next opening', () => {
  it('spans lunch', () => {
    expect(local(calendar.addWorkingHours(at('2026-03-02 10:30'), 2))).toBe('2026-03-02 14:00');
    // a period that ends as the morning ends gives 11:30, not 13:00
    expect(local(calendar.addWorkingHours(at('2026-03-02 10:30'), 1))).toBe('2026-03-02 11:30');
    // received during lunch: counted from 13:00
    expect(local(calendar.addWorkingHours(at('2026-03-02 12:00'), 1))).toBe('2026-03-02 14:00');
    expect(local(calendar.addWorkingMinutes(at('2026-03-02 11:00'), 45))).toBe('2026-03-02 13:15');
  });

  it('spans the night, weekends, make-up Saturdays and holidays', () => {
    expect(local(calendar.addWorkingHours(at('2026-03-05 16:00'), 3))).toBe('2026-03-06 09:30');
    expect(local(calendar.addWorkingHours(at('2026-03-05 20:00'), 1))).toBe('2026-03-06 08:30');
    expect(local(calendar.addWorkingHours(at('2026-03-06 16:30'), 1))).toBe('2026-03-09 08:00');
    expect(local(calendar.addWorkingHours(at('2024-05-03 16:00'), 2))).toBe('2024-05-04 08:30');
    expect(local(calendar.addWorkingHours(at('2026-02-13 16:00'), 8))).toBe('2026-02-23 16:00');
    expect(local(calendar.addWorkingHours(at('2026-03-02 07:30'), 16))).toBe('2026-03-03 17:00');
    expect(local(calendar.nextOpening(at('2026-02-15 10:00')))).toBe('2026-02-23 07:30');
    expect(local(calendar.nextOpening(at('2026-03-02 10:00')))).toBe('2026-03-02 10:00');
  });
});

describe('working time between two instants', () => {
  it('counts office minutes and working days, negative backwards', () => {
    const friday = at('2026-02-13 10:00');
    const monday = at('2026-02-23 10:00');
    expect(calendar.workingTimeBetween(friday, monday)).toEqual({
      days: 1,
      minutes: 480,
      milliseconds: 28_800_000,
    });
    expect(calendar.workingTimeBetween(monday, friday)).toEqual({
      days: -1,
      minutes: -480,
      milliseconds: -28_800_000,
    });
    expect(calendar.workingTimeBetween(at('2026-03-02 11:00'), at('2026-03-02 13:30'))).toMatchObject({
      days: 0,
      minutes: 60,
    });
  });

  it('is the inverse of addWorkingDays and addWorkingMinutes', () => {
    const receipts: Date[] = [];
    for (let d = '2025-12-20'; d <= '2026-03-10'; d = addLocalDays(d, 3)) {
      for (const time of ['06:10', '07:30', '11:45', '13:00', '16:59', '21:00'])
        receipts.push(at(`${d} ${time}`));
    }
    for (const r of receipts) {
      for (const n of [1, 2, 5, 12]) {
        const deadline = calendar.addWorkingDays(r, n);
        expect(calendar.workingTimeBetween(r, deadline).days, `${r.toISOString()} + ${n}d`).toBe(n);
        expect(calendar.isWorkingDay(local(deadline).slice(0, 10))).toBe(true);
      }
      for (const m of [1, 90, 480, 2_000]) {
        expect(calendar.workingTimeBetween(r, calendar.addWorkingMinutes(r, m)).minutes).toBe(m);
      }
    }
  });

  it('stops the clock while a supplement is awaited and extends the deadline by the time paused', () => {
    const received = at('2026-03-02 09:00');
    const deadline = calendar.addWorkingDays(received, 10);
    expect(local(deadline)).toBe('2026-03-16 17:00');
    const requested = at('2026-03-05 10:00');
    const supplied = at('2026-03-10 14:00');
    const paused = calendar.workingTimeBetween(requested, supplied);
    expect(paused.days).toBe(3); // Friday 6, Monday 9, Tuesday 10
    const extended = calendar.addWorkingDays(deadline, paused.days);
    expect(local(extended)).toBe('2026-03-19 17:00');
    // the same as counting the days left from the supplement
    const used = calendar.workingTimeBetween(received, requested).days;
    expect(calendar.addWorkingDays(supplied, 10 - used)).toEqual(extended);
    // periods in hours extend by the office minutes paused: 5 h 30 on Thursday, Friday and Monday
    // whole, 5 h on Tuesday
    expect(paused.minutes).toBe(330 + 480 + 480 + 300);
    const hoursDeadline = calendar.addWorkingHours(received, 40);
    expect(local(hoursDeadline)).toBe('2026-03-09 09:00');
    expect(local(calendar.addWorkingMinutes(hoursDeadline, paused.minutes))).toBe('2026-03-12 11:30');
  });

  it('says by how many working days a result is overdue', () => {
    const deadline = calendar.addWorkingDays(at('2026-02-10 09:00'), 4);
    expect(local(deadline)).toBe('2026-02-23 17:00');
    expect(calendar.workingTimeBetween(deadline, at('2026-02-25 10:00')).days).toBe(2);
    expect(calendar.workingTimeBetween(deadline, at('2026-02-23 16:00')).days).toBe(0);
    expect(calendar.workingTimeBetween(deadline, at('2026-02-23 16:00')).minutes).toBe(-60);
  });
});

describe('what the calendar refuses', () => {
  it('a day of a year not declared is CALENDAR_YEAR_NOT_DECLARED, not a guess', () => {
    expect(() => calendar.isWorkingDay('2028-01-04')).toThrow(CalendarYearNotDeclaredError);
    expect(() => calendar.addWorkingDays(at('2027-12-29 10:00'), 5)).toThrowError(
      expect.objectContaining({
        code: 'CALENDAR_YEAR_NOT_DECLARED',
        year: 2028,
        declared: [2024, 2025, 2026, 2027],
      }),
    );
    expect(() => calendar.addWorkingDays(at('2023-12-29 10:00'), 1)).toThrow(/no declaration for 2023/);
    const [y2024, , y2026] = calendarYearsIn();
    const gap = WorkingCalendar.of([y2024!, y2026!]);
    expect(gap.isWorkingDay('2026-03-02')).toBe(true);
    expect(() => gap.workingTimeBetween(at('2024-12-30 10:00'), at('2026-01-05 10:00'))).toThrowError(
      expect.objectContaining({ year: 2025 }),
    );
    expect(calendar.covers('2027-12-31')).toBe(true);
    expect(calendar.covers('2028-01-01')).toBe(false);
  });

  it('arguments that are not instants, dates or counts', () => {
    expect(() => calendar.addWorkingDays(new Date('nope'), 1)).toThrowError(
      expect.objectContaining({ code: 'CALENDAR_INVALID_ARGUMENT', argument: 'from' }),
    );
    expect(() => calendar.addWorkingDays(at('2026-03-02 09:00'), -1)).toThrow(CalendarInvalidArgumentError);
    expect(() => calendar.addWorkingDays(at('2026-03-02 09:00'), 1.5)).toThrow(
      /days: must be a whole number/,
    );
    expect(() => calendar.addWorkingHours(at('2026-03-02 09:00'), Number.NaN)).toThrow(/hours/);
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(CalendarInvalidArgumentError);
  });

  it('a year that breaks its rules, and a year given twice', () => {
    const [y2024] = calendarYearsIn();
    const bad = { ...y2024!, swaps: [{ dayOff: '2024-04-29', workedOn: '2024-05-03', basis: 'test' }] };
    expect(() => WorkingCalendar.of([bad])).toThrowError(
      expect.objectContaining({
        code: 'CALENDAR_DECLARATION_INVALID',
        issues: [{ path: '/swaps/0/workedOn', message: 'must be a weekly rest day (friday is not one)' }],
      }),
    );
    expect(() => WorkingCalendar.of([y2024!, y2024!])).toThrow(CalendarDeclarationInvalidError);
  });
});
