import { describe, expect, it } from 'vitest';
import { cursorInstant } from './cursor-time.js';

describe('the instant a cursor value names', () => {
  it('reads dates and timestamps as the sources write them, in Vietnam time unless a zone is given', () => {
    const iso = (v: string | number | null) => cursorInstant(v)?.toISOString() ?? null;
    expect(iso('2026-11-30 17:59:09')).toBe('2026-11-30T10:59:09.000Z');
    expect(iso('2026-11-30 17:59:09.123456')).toBe('2026-11-30T10:59:09.123Z');
    expect(iso('2026-11-30T17:59:09')).toBe('2026-11-30T10:59:09.000Z');
    expect(iso('2026-11-30')).toBe('2026-11-29T17:00:00.000Z');
    expect(iso('2026-11-30 17:59:09Z')).toBe('2026-11-30T17:59:09.000Z');
    expect(iso('2026-11-30 17:59:09+07')).toBe('2026-11-30T10:59:09.000Z');
    expect(iso('2026-11-30T17:59:09-05:30')).toBe('2026-11-30T23:29:09.000Z');
  });

  it('names no instant for numbers, nulls and other text', () => {
    for (const v of [42, 1733000000, null, 'v17', '30/11/2026', '2026-13-45 99:00:00x']) {
      expect(cursorInstant(v)).toBeNull();
    }
  });
});
