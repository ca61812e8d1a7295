import { ServiceIndexInputError } from '../../kernel/errors/index.js';
import { localDateOf, VIETNAM_OFFSET_MS } from '../../kernel/local-date.js';

/**
 * Reporting periods: months, quarters and years of the calendar in Vietnam (UTC+7). Each has an
 * integer key, sortable within its kind: `kind × 10⁶ + year × 100 + n` — month `1202603`, quarter
 * `2202601`, year `3202600`.
 */
export type PeriodKind = 'month' | 'quarter' | 'year';

export interface Period {
  key: number;
  kind: PeriodKind;
  /** `2026-03`, `2026-Q1`, `2026`. */
  label: string;
  /** First instant (epoch ms), inclusive. */
  start: number;
  /** First instant after it (epoch ms). */
  end: number;
  /** `YYYY-MM-DD` of the first and the last day. */
  firstDay: string;
  lastDay: string;
}

const KIND_CODE: Record<PeriodKind, number> = { month: 1, quarter: 2, year: 3 };

const utcStartOf = (year: number, monthIndex: number) => Date.UTC(year, monthIndex, 1) - VIETNAM_OFFSET_MS;

function make(kind: PeriodKind, year: number, n: number): Period {
  const [firstMonth, months] =
    kind === 'month' ? [n - 1, 1] : kind === 'quarter' ? [(n - 1) * 3, 3] : [0, 12];
  const start = utcStartOf(year, firstMonth);
  const end = utcStartOf(year, firstMonth + months);
  const label =
    kind === 'month'
      ? `${year}-${String(n).padStart(2, '0')}`
      : kind === 'quarter'
        ? `${year}-Q${n}`
        : `${year}`;
  return {
    key: KIND_CODE[kind] * 1_000_000 + year * 100 + (kind === 'year' ? 0 : n),
    kind,
    label,
    start,
    end,
    firstDay: localDateOf(start),
    lastDay: localDateOf(end - 1),
  };
}

const cache = new Map<number, Period>();

/** The period of a key (memoized: periods are few and immutable). */
export function periodOfKey(key: number): Period {
  let p = cache.get(key);
  if (p) return p;
  const kindCode = Math.floor(key / 1_000_000);
  const year = Math.floor((key % 1_000_000) / 100);
  const n = key % 100;
  const kind: PeriodKind = kindCode === 1 ? 'month' : kindCode === 2 ? 'quarter' : 'year';
  p = make(kind, year, kind === 'year' ? 0 : n);
  cache.set(key, p);
  return p;
}

const LABEL = /^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$/;

/** `2026-03`, `2026-Q1` or `2026`; anything else is `SERVICE_INDEX_INVALID_INPUT` naming `field`. */
export function parsePeriod(label: string, field = 'period'): Period {
  const m = LABEL.exec(label);
  const month = m?.[2] === undefined ? undefined : Number(m[2]);
  if (
    !m ||
    Number(m[1]) < 2000 ||
    Number(m[1]) > 2999 ||
    (month !== undefined && (month < 1 || month > 12))
  ) {
    throw new ServiceIndexInputError(
      field,
      `must be a month (2026-03), a quarter (2026-Q1) or a year (2026), got ${JSON.stringify(label)}`,
    );
  }
  const year = Number(m[1]);
  if (month !== undefined) return periodOfKey(1_000_000 + year * 100 + month);
  if (m[3] !== undefined) return periodOfKey(2_000_000 + year * 100 + Number(m[3]));
  return periodOfKey(3_000_000 + year * 100);
}

/** Year and month (1–12) in Vietnam at an instant. */
function yearMonth(at: number): [number, number] {
  const d = new Date(at + VIETNAM_OFFSET_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1];
}

/** The month, quarter and year keys containing an instant. */
export function periodKeysAt(at: number): [number, number, number] {
  const [y, m] = yearMonth(at);
  return [1_000_000 + y * 100 + m, 2_000_000 + y * 100 + Math.ceil(m / 3), 3_000_000 + y * 100];
}

/**
 * Every period (months, quarters, years) that overlaps the span from `from` to `to` (both
 * instants, `from <= to`), in order of kind then time.
 */
export function periodKeysOverlapping(from: number, to: number): number[] {
  const [y0, m0] = yearMonth(from);
  const [y1, m1] = yearMonth(to);
  const keys: number[] = [];
  const first = y0 * 12 + (m0 - 1);
  const last = y1 * 12 + (m1 - 1);
  for (let i = first; i <= last; i++) keys.push(1_000_000 + Math.floor(i / 12) * 100 + (i % 12) + 1);
  for (let i = Math.floor(first / 3); i <= Math.floor(last / 3); i++)
    keys.push(2_000_000 + Math.floor(i / 4) * 100 + (i % 4) + 1);
  for (let y = y0; y <= y1; y++) keys.push(3_000_000 + y * 100);
  return keys;
}

/** The period of the same kind just before. */
export function previousPeriod(p: Period): Period {
  const year = Math.floor((p.key % 1_000_000) / 100);
  const n = p.key % 100;
  if (p.kind === 'year') return periodOfKey(p.key - 100);
  const last = p.kind === 'month' ? 12 : 4;
  return n === 1
    ? periodOfKey(Math.floor(p.key / 1_000_000) * 1_000_000 + (year - 1) * 100 + last)
    : periodOfKey(p.key - 1);
}
