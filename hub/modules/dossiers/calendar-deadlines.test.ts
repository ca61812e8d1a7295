import { describe, expect, it } from 'vitest';
import { CalendarYearNotDeclaredError } from '../../kernel/errors/index.js';
import { calendarFromFile } from '../calendar/index.js';
import { calendarDeadlines } from './calendar-deadlines.js';

/** Vietnam local time (UTC+7) of 2026. */
const local = (month: number, day: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2026, month - 1, day, hour - 7, minute));

describe('calendarDeadlines: the deadline port over the declared working calendar', () => {
  const calendar = calendarFromFile();
  const deadlines = calendarDeadlines(() => calendar);

  it('counts working days to the close of the last one, skipping weekends and holidays', () => {
    // from Fri 24 April: Mon 27 (Giỗ Tổ in lieu), Thu 30 April and Fri 1 May are off
    expect(deadlines.addWorkingTime(local(4, 24, 10), { amount: 5, unit: 'day' })).toEqual(local(5, 6, 17));
    expect(deadlines.addWorkingTime(local(4, 24, 10), { amount: 1, unit: 'day' })).toEqual(local(4, 28, 17));
  });

  it('counts working hours through office hours only', () => {
    // Wed 29 April 16:00: one hour to the close, then the holidays and the weekend, Mon 4 May 07:30 + 1 h
    expect(deadlines.addWorkingTime(local(4, 29, 16), { amount: 2, unit: 'hour' })).toEqual(
      local(5, 4, 8, 30),
    );
    expect(deadlines.addWorkingTime(local(4, 29, 11), { amount: 1.5, unit: 'hour' })).toEqual(
      local(4, 29, 14),
    );
  });

  it('leaves an instant alone for an amount of 0', () => {
    expect(deadlines.addWorkingTime(local(5, 6, 17), { amount: 0, unit: 'day' })).toEqual(local(5, 6, 17));
    expect(deadlines.addWorkingTime(local(5, 6, 17), { amount: 0, unit: 'hour' })).toEqual(local(5, 6, 17));
  });

  it('measures a stopped clock in the unit of the deadline', () => {
    // Tue 28 April 09:00 → Mon 4 May 10:00: Wed 29 and Mon 4 are the working days after the 28th
    expect(deadlines.workingTimeBetween(local(4, 28, 9), local(5, 4, 10), 'day')).toEqual({
      amount: 2,
      unit: 'day',
    });
    // office time: Tue 28 09:00–11:30, 13:00–17:00 (6.5 h), Wed 29 8 h, Mon 4 07:30–10:00 (2.5 h)
    expect(deadlines.workingTimeBetween(local(4, 28, 9), local(5, 4, 10), 'hour')).toEqual({
      amount: 17,
      unit: 'hour',
    });
  });

  it('never guesses a year nobody declared', () => {
    expect(() =>
      deadlines.addWorkingTime(new Date('2031-06-02T03:00:00Z'), { amount: 1, unit: 'day' }),
    ).toThrow(CalendarYearNotDeclaredError);
  });
});
