import { describe, expect, it } from 'vitest';
import { CalendarYearNotDeclaredError } from '../../kernel/errors/index.js';
import { calendarFromFile } from '../calendar/index.js';
import { calendarDeadlines } from './calendar-deadlines.js';
import { type CatalogueProcedure, catalogueLookup } from './catalogue.js';

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

describe('catalogueLookup: the procedure port over the catalogue’s reader', () => {
  const record: CatalogueProcedure = {
    code: '1.001193',
    version: 3,
    processingTime: { amount: 8, unit: 'working-hours' },
    components: [{ code: 'TP1', required: true }],
  };
  const asked: [string, number | undefined][] = [];
  const lookup = catalogueLookup((code, version) => {
    asked.push([code, version]);
    return code === record.code && (version === undefined || version === record.version) ? record : undefined;
  });

  it('maps versions to text and working-days / working-hours to the port’s units', async () => {
    expect(await lookup.find('1.001193')).toEqual({
      code: '1.001193',
      version: '3',
      processingTime: { amount: 8, unit: 'hour' },
      components: [{ code: 'TP1', required: true }],
    });
    expect(await lookup.find('1.001193', '3')).toMatchObject({ version: '3' });
    expect(await lookup.find('1.001193', '2')).toBeUndefined();
    expect(asked).toEqual([
      ['1.001193', undefined],
      ['1.001193', 3],
      ['1.001193', 2],
    ]);
  });

  it('finds no version for one that is not a whole number from 1, without asking the catalogue', async () => {
    asked.length = 0;
    for (const version of ['2024-03', '0', '1.5', ''])
      expect(await lookup.find('1.001193', version)).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
