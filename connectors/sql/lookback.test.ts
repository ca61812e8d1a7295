import { describe, expect, it } from 'vitest';
import { atOrBefore, lookbackBound } from './lookback.js';

describe('lookbackBound: the lower bound of a resumed read, in the stored cursor shape', () => {
  it('moves timestamps back by seconds, keeping separator, precision and zone, across a day', () => {
    const s = (seconds: number) => ({ seconds, units: 0 });
    expect(lookbackBound('2025-01-05 08:00:00', s(300))).toBe('2025-01-05 07:55:00');
    expect(lookbackBound('2025-01-01 00:02:00.123456', s(300))).toBe('2024-12-31 23:57:00.123456');
    expect(lookbackBound('2025-03-01T00:00:00.5+07', s(60))).toBe('2025-02-28T23:59:00.5+07');
    expect(lookbackBound('2025-03-01', s(60))).toBe('2025-02-28');
    expect(lookbackBound('2025-01-05 08:00:00', s(0))).toBeNull();
  });
  it('moves numbers and integer text back by units; 0 or another kind of text gives no bound', () => {
    const u = (units: number) => ({ seconds: 300, units });
    expect(lookbackBound(1000, u(300))).toBe(700);
    expect(lookbackBound('90071992547409930', u(300))).toBe('90071992547409630');
    expect(lookbackBound(1000, u(0))).toBeNull();
    expect(lookbackBound('1000', u(0))).toBeNull();
    expect(lookbackBound('v1.2', u(300))).toBeNull();
  });
  it('atOrBefore orders values of one column', () => {
    expect(atOrBefore('2025-01-05 08:00:00', '2025-01-05 08:00:00.5')).toBe(true);
    expect(atOrBefore('10', '9')).toBe(false);
    expect(atOrBefore(9, 9)).toBe(true);
  });
});
