import { SingleBar } from 'cli-progress';
import type { RebuildProgress } from '../projections/runner.js';
import { formatNumber } from './kit/format.js';
import { etaSeconds, formatDuration, RateWindow } from './kit/rate.js';

/**
 * A progress bar on stderr showing positions replayed, the rate over the last 10 s, and the ETA at
 * that rate (`--` while unknown); periodic lines when not a terminal.
 */
export function rebuildProgressBar(): { update(p: RebuildProgress): void; stop(): void } {
  const bar = new SingleBar({
    format: '{projection} [{bar}] {percentage}% | {value}/{total} positions | {rate}/s | ETA {left}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
    formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? formatNumber(v) : String(v)),
  });
  const window = new RateWindow(10_000);
  let running = false;
  return {
    update(p) {
      window.add(performance.now(), p.done);
      const rate = window.rate();
      const payload = {
        projection: p.projection,
        rate: rate === undefined ? '--' : formatNumber(Math.round(rate)),
        left: formatDuration(etaSeconds(p.done, p.total, rate)),
      };
      if (!running) {
        bar.start(p.total, p.done, payload);
        running = true;
      } else {
        bar.setTotal(p.total);
        bar.update(p.done, payload);
      }
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
