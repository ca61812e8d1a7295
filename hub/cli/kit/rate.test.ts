import { describe, expect, it } from 'vitest';
import { etaSeconds, formatDuration, RateWindow } from './rate.js';

describe('RateWindow: the current rate', () => {
  it('follows the last window, not the average since the start', () => {
    const w = new RateWindow(10_000);
    expect(w.rate()).toBeUndefined();
    w.add(0, 0);
    expect(w.rate()).toBeUndefined();
    // A slow first minute: 100 rows/s.
    for (let t = 1; t <= 60; t++) w.add(t * 1000, t * 100);
    expect(w.rate()).toBe(100);
    // Then 1,000 rows/s for 20 s: the window sees only that, while the average is ~400.
    for (let t = 1; t <= 20; t++) w.add(60_000 + t * 1000, 6000 + t * 1000);
    expect(w.rate()).toBe(1000);
    // A stall: no progress for 15 s brings the rate to 0.
    w.add(95_000, 26_000);
    expect(w.rate()).toBe(0);
  });

  it('spans the whole window when samples are sparse, and starts over when the count goes back', () => {
    const w = new RateWindow(10_000);
    w.add(0, 0);
    w.add(30_000, 3000);
    expect(w.rate()).toBe(100);
    w.add(31_000, 50);
    expect(w.rate()).toBeUndefined();
    w.add(33_000, 250);
    expect(w.rate()).toBe(100);
  });
});

describe('etaSeconds and formatDuration', () => {
  it('estimates from the rate, and knows when it cannot', () => {
    expect(etaSeconds(250, 1000, 50)).toBe(15);
    expect(etaSeconds(1200, 1000, 50)).toBe(0);
    expect(etaSeconds(10, 0, 50)).toBeUndefined();
    expect(etaSeconds(10, 100, 0)).toBeUndefined();
    expect(etaSeconds(10, 100, undefined)).toBeUndefined();
    expect(etaSeconds(10, 100, Number.NaN)).toBeUndefined();
  });

  it('formats durations for people, never as NaN or a raw count of seconds', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(44.6)).toBe('45s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3599.4)).toBe('59m 59s');
    expect(formatDuration(3780)).toBe('1h 03m');
    expect(formatDuration(93_600 + 600)).toBe('1d 02h');
    expect(formatDuration(1e9)).toBe('> 99d');
    for (const unknown of [undefined, Number.NaN, Number.POSITIVE_INFINITY, -3])
      expect(formatDuration(unknown)).toBe('--');
  });
});
