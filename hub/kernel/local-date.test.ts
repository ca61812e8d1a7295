import { describe, expect, it } from 'vitest';
import { addLocalDays, isLocalDate, localDateOf, startOfLocalDate, weekdayOf } from './local-date.js';

describe('local dates (Vietnam, UTC+7)', () => {
  it('takes the day in Vietnam, not in UTC', () => {
    expect(localDateOf(new Date('2026-02-16T16:59:59Z'))).toBe('2026-02-16');
    expect(localDateOf(new Date('2026-02-16T17:00:00Z'))).toBe('2026-02-17');
    expect(new Date(startOfLocalDate('2026-02-17')).toISOString()).toBe('2026-02-16T17:00:00.000Z');
  });

  it('knows real dates, weekdays and day arithmetic across months and leap years', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2025-02-29')).toBe(false);
    expect(isLocalDate('2025-2-01')).toBe(false);
    expect(isLocalDate(20250201)).toBe(false);
    expect(weekdayOf('2026-02-17')).toBe('tuesday');
    expect(weekdayOf('1970-01-01')).toBe('thursday');
    expect(weekdayOf('1969-12-28')).toBe('sunday');
    expect(addLocalDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addLocalDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addLocalDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(() => weekdayOf('2026-13-01')).toThrow(RangeError);
  });
});
