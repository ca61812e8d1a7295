import { compareValues } from '../kit/position.js';

/**
 * The look-back of an incremental read: a resumed read starts some way before its checkpoint
 * (`cursorLookback` seconds for a time cursor, `numericCursorLookback` units for a numeric one), so
 * that rows a source transaction commits after a read with a cursor value at or below the
 * checkpoint are still read.
 */

/**
 * Default of `cursorLookback`, in seconds: longer than a source transaction or a batch job usually
 * takes between stamping a row and committing it.
 */
export const CURSOR_LOOKBACK = 300;

/**
 * Default of `numericCursorLookback`: off. A numeric cursor's unit is the source's (a version
 * counter, a sequence, epoch seconds or milliseconds), so no one window suits them all.
 */
export const NUMERIC_CURSOR_LOOKBACK = 0;

/** How far back a resumed read starts: seconds for a time cursor, units for a numeric one. */
export interface Lookback {
  seconds: number;
  units: number;
}

/** `YYYY-MM-DD`, then optionally ` HH:MM[:SS[.fff]]` (or `T`) and a zone (`Z`, `+07`, `+07:00`). */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:([ T])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A timestamp string moved back by `seconds`, in the same shape (separator, precision, zone kept). */
function timestampBefore(m: RegExpExecArray, seconds: number): string {
  const [, y, mo, d, sep, h, mi, s, frac, zone] = m;
  const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  const at = new Date(
    Date.UTC(+y!, +mo! - 1, +d!, +(h ?? 0), +(mi ?? 0), +(s ?? 0)) + fracMs - seconds * 1000,
  );
  const date = `${pad(at.getUTCFullYear(), 4)}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
  if (sep === undefined) return date + (zone ?? '');
  // Whole milliseconds back, the finer digits kept: never later than the exact bound.
  const ms = frac ? `.${pad(at.getUTCMilliseconds(), 3)}${frac.slice(3)}`.slice(0, frac.length + 1) : '';
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}${s !== undefined ? `:${pad(at.getUTCSeconds())}${ms}` : ''}`;
  return `${date}${sep}${time}${zone ?? ''}`;
}

/**
 * The lower bound (inclusive) of a resumed read: the checkpoint's cursor minus the look-back, of
 * the same type and shape as the stored cursor (a number, an integer string, a timestamp string),
 * so every dialect compares it as it compares the checkpoint. A date without a time moves back by
 * whole days: any look-back starts at the day before. Null when there is nothing to look back
 * over: a look-back of 0 for the cursor's kind, or a cursor of another kind (the read then starts
 * strictly after the checkpoint).
 */
export function lookbackBound(cursor: string | number, lookback: Lookback): string | number | null {
  const { seconds, units } = lookback;
  if (typeof cursor === 'number') return units > 0 ? cursor - units : null;
  if (/^-?\d+$/.test(cursor)) return units > 0 ? String(BigInt(cursor) - BigInt(Math.ceil(units))) : null;
  const m = TIMESTAMP.exec(cursor);
  return m && seconds > 0 ? timestampBefore(m, seconds) : null;
}

/**
 * Whether a row's cursor value is at or before the checkpoint's: such a row was re-read by the
 * look-back, and the position stays at the checkpoint (a run that fails there does not move the
 * next one's start back).
 */
export const atOrBefore = (value: string | number, checkpoint: string | number): boolean =>
  compareValues(value, checkpoint) <= 0;
