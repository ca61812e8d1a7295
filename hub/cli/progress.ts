import { SingleBar } from 'cli-progress';
import type { RebuildProgress } from '../projections/runner.js';
import { formatNumber } from './kit/format.js';

/** A progress bar on stderr showing positions replayed, events/s and ETA; periodic lines when not a terminal. */
export function rebuildProgressBar(): { update(p: RebuildProgress): void; stop(): void } {
  const bar = new SingleBar({
    format: '{projection} [{bar}] {percentage}% | {value}/{total} positions | {rate}/s | ETA {eta_formatted}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
    etaBuffer: 50,
    formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? formatNumber(v) : String(v)),
  });
  const started = performance.now();
  let running = false;
  return {
    update(p) {
      const seconds = (performance.now() - started) / 1000;
      const payload = {
        projection: p.projection,
        rate: formatNumber(Math.round(p.done / Math.max(seconds, 1e-3))),
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
