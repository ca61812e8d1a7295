/**
 * The current rate of a long job: units per second over the last `windowMs`, so a bar shows how
 * fast the job goes now (after a slow start, during a stall), not only its average since it began.
 */
export class RateWindow {
  private samples: { at: number; done: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  /** `done` units were done at `at` (ms). A count that goes back (a new stream) starts over. */
  add(at: number, done: number): void {
    const last = this.samples.at(-1);
    if (last && done < last.done) this.samples = [];
    this.samples.push({ at, done });
    // Keep one sample at or before the window's start, so the rate spans the whole window.
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
  }

  /** Units per second over the window; undefined until two samples lie some time apart. */
  rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at <= first.at) return undefined;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }
}

/** Seconds left at `rate` units/s; undefined when the total or the rate is unknown or zero. */
export function etaSeconds(done: number, total: number, rate: number | undefined): number | undefined {
  if (!(total > 0) || rate === undefined || !(rate > 0) || !Number.isFinite(rate)) return undefined;
  return Math.max(0, total - done) / rate;
}

const MAX_SECONDS = 99 * 86_400;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A duration for people: `45s`, `2m 05s`, `1h 03m`, `3d 04h`; `--` when unknown (undefined, NaN,
 * negative, infinite) and `> 99d` beyond that, never a raw number of seconds.
 */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds > MAX_SECONDS) return '> 99d';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor((s % 86_400) / 3600))}h`;
}
