import type { Rng } from './random.js';

/** Default span of `ngay_cap_nhat`: half before, half after the 1 July 2025 reorganisation. */
export const DEFAULT_UPDATED_BETWEEN: readonly [string, string] = [
  '2024-07-01 00:00:00',
  '2026-06-30 23:59:59',
];
export const REORGANISATION = '2025-07-01 00:00:00';

const toSeconds = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`) / 1000;

/** `YYYY-MM-DD HH:MM:SS`, a timestamp without time zone as such databases store it. */
export const formatTimestamp = (seconds: number) =>
  new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Update times in batches: each row gets one of about `count / rowsPerBatch` instants, so many rows
 * share the same second (as when a nightly job touches a batch), and update order is not id order.
 */
export function updateClock(count: number, between: readonly [string, string], rowsPerBatch = 100) {
  const start = toSeconds(between[0]);
  const span = toSeconds(between[1]) - start;
  const batches = Math.max(4, Math.round(count / rowsPerBatch));
  return (rng: Rng) => formatTimestamp(start + Math.floor((rng.int(0, batches - 1) * span) / batches));
}

/** A date in `year` (days 1–28 keep it valid in every month). */
export function dateIn(rng: Rng, year: number): string {
  return `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
}
