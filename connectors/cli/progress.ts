import { SingleBar } from 'cli-progress';
import { formatNumber } from '../../hub/cli/kit/format.js';
import { etaSeconds, formatDuration, RateWindow } from '../../hub/cli/kit/rate.js';
import type { SyncProgress } from '../kit/sync.js';

/** What the bar shows besides the counts: the current rate, the average, the ETA from the current rate. */
export function progressFigures(p: SyncProgress, rate: number | undefined, elapsedMs: number) {
  const average = elapsedMs > 0 ? (p.done * 1000) / elapsedMs : undefined;
  const figure = (n: number | undefined) => (n === undefined ? '--' : formatNumber(Math.round(n)));
  return {
    stream: p.stream,
    rate: figure(rate),
    average: figure(average),
    left: formatDuration(etaSeconds(p.done, p.total, rate)),
    rejected: formatNumber(p.counts.rejected),
  };
}

/**
 * The progress bar of `connector sync`, on stderr: rows done of the source's estimate, the rate
 * over the last 10 s and the average, the ETA at the current rate (`--` while unknown), rejected
 * rows. On a terminal it redraws in place; otherwise it prints a line every few seconds. `log`
 * writes a line above it; after `stop` (a retry) the next update starts a new bar.
 */
export function syncProgressBar(stream: NodeJS.WriteStream = process.stderr) {
  let bar: SingleBar | undefined;
  let window = new RateWindow(10_000);
  let started = 0;
  let current = '';
  return {
    update(p: SyncProgress) {
      const now = performance.now();
      if (!bar || p.stream !== current) {
        bar?.stop();
        bar = new SingleBar({
          format:
            '{stream} [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s now, {average} on average | ETA {left} | rejected {rejected}',
          barCompleteChar: '█',
          barIncompleteChar: '░',
          hideCursor: true,
          stream,
          noTTYOutput: true,
          notTTYSchedule: 5000,
          forceRedraw: true,
          formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? formatNumber(v) : String(v)),
        });
        window = new RateWindow(10_000);
        started = now;
        current = p.stream;
        bar.start(Math.max(p.total, p.done, 1), p.done, progressFigures(p, undefined, 0));
      }
      window.add(now, p.done);
      bar.setTotal(Math.max(p.total, p.done, 1));
      bar.update(p.done, progressFigures(p, window.rate(), now - started));
    },
    /** A line above the bar (the bar is drawn again below it). */
    log(line: string) {
      if (bar && stream.isTTY) stream.write('\r\x1b[2K');
      stream.write(`${line}\n`);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
