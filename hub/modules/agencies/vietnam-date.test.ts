import { describe, expect, it } from 'vitest';
import { vietnamDate } from './queries.js';

describe('vietnamDate', () => {
  it('is the calendar day at UTC+7, across midnight in either direction', () => {
    const at = (iso: string) => vietnamDate(new Date(iso));
    expect(at('2025-07-01T16:59:59.999Z')).toBe('2025-07-01');
    expect(at('2025-07-01T17:00:00.000Z')).toBe('2025-07-02');
    expect(at('2025-07-01T16:59:59.999Z')).toBe('2025-07-01');
    expect(at('2025-12-31T17:00:00.000Z')).toBe('2026-01-01');
    expect(at('1969-12-31T16:59:59.000Z')).toBe('1969-12-31');
    expect(at('1969-12-31T17:00:00.000Z')).toBe('1970-01-01');
  });

  it('refuses an invalid date as toISOString does', () => {
    expect(() => vietnamDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
