/**
 * The look-back of an incremental read: a resumed read starts `cursorLookback` before its
 * checkpoint (seconds for a time cursor, units for a numeric one), so that rows a source
 * transaction commits after a read with a cursor value at or below the checkpoint are still read.
 */

/** Default of the `cursorLookback` configuration key. */
export const CURSOR_LOOKBACK = 0;

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
 * so every dialect compares it as it compares the checkpoint. Null when there is nothing to look
 * back over: look-back 0, or a cursor of another kind (the read then starts strictly after it).
 */
export function lookbackBound(cursor: string | number, lookback: number): string | number | null {
  if (!(lookback > 0)) return null;
  if (typeof cursor === 'number') return cursor - lookback;
  if (/^-?\d+$/.test(cursor)) return String(BigInt(cursor) - BigInt(Math.ceil(lookback)));
  const m = TIMESTAMP.exec(cursor);
  return m ? timestampBefore(m, lookback) : null;
}

/**
 * Whether a row's cursor value is at or before the checkpoint's: such a row was re-read by the
 * look-back, and the position stays at the checkpoint (a run that fails there does not move the
 * next one's start back). Values of one column share a type; timestamps of one column share a
 * shape, so their text order is their time order.
 */
export function atOrBefore(value: string | number, checkpoint: string | number): boolean {
  if (typeof value === 'number' && typeof checkpoint === 'number') return value <= checkpoint;
  const a = String(value);
  const b = String(checkpoint);
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return BigInt(a) <= BigInt(b);
  return a <= b;
}
