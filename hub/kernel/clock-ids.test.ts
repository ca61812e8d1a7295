import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { fixedClock, systemClock } from './clock.js';
import { deterministicId, randomId, sequentialIds } from './ids.js';

const NS = 'c6a1f0d2-5b8e-5d47-8e0a-2f4b9c1d7e63';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('clock', () => {
  it('reads the system time, or always the same instant', () => {
    const before = Date.now();
    const now = systemClock().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    const fixed = fixedClock('2026-11-01T08:00:00+07:00');
    expect(fixed().toISOString()).toBe('2026-11-01T01:00:00.000Z');
    expect(fixed()).not.toBe(fixed());
    expect(() => fixedClock('soon')).toThrow(RangeError);
  });
});

describe('ids', () => {
  it('makes random UUIDs that differ', () => {
    expect(randomId()).toMatch(UUID);
    expect(randomId()).not.toBe(randomId());
  });

  it('makes the same UUIDv5 for the same namespace and parts, joined by "/"', () => {
    const id = deterministicId(NS, 'consent-1', 'expired');
    expect(id).toMatch(UUID);
    expect(id[14]).toBe('5');
    expect(deterministicId(NS, 'consent-1', 'expired')).toBe(id);
    expect(deterministicId(NS, 'consent-1/expired')).toBe(id);
    expect(deterministicId(NS, 'consent-2', 'expired')).not.toBe(id);
    expect(deterministicId('9b2f6a0e-1c4d-4f8e-8a3b-7d5e6f708192', 'consent-1', 'expired')).not.toBe(id);
  });

  it("is RFC 9562's UUIDv5, as the uuid package makes it, for any name", () => {
    for (const parts of [
      ['a'],
      ['one-stop-sql', 'opencps_dossieraction', '62851', 0],
      ['Nguyễn Văn A', '🙂'],
      [''],
    ])
      expect(deterministicId(NS, ...parts)).toBe(uuidv5(parts.join('/'), NS));
    expect(() => deterministicId('not-a-uuid', 'x')).toThrow();
  });

  it('counts predictable ids', () => {
    const a = sequentialIds(NS);
    const b = sequentialIds(NS);
    expect([a(), a()]).toEqual([b(), b()]);
    expect(a()).toBe(deterministicId(NS, 'id', 3));
  });
});
