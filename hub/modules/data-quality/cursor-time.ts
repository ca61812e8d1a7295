import { VIETNAM_OFFSET_MS } from '../../kernel/local-date.js';

/**
 * The instant a cursor value names, when it names one: a date or a timestamp as the source wrote it
 * (`2026-11-30`, `2026-11-30 17:59:09.123456`, `2026-11-30T17:59:09Z`, `…+07`, `…+07:00`). A value
 * without a zone is the agency's local time, Vietnam's (UTC+7), as the sources connected here
 * stamp their rows; a date is its first instant there. Numbers (version counters, sequences) and
 * other text name no time: null.
 */
export function cursorInstant(cursor: string | number | null | undefined): Date | null {
  if (typeof cursor !== 'string') return null;
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      cursor.trim(),
    );
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let offsetMs = VIETNAM_OFFSET_MS;
  if (zone === 'Z') offsetMs = 0;
  else if (zone) {
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
    offsetMs = (zone[0] === '-' ? -1 : 1) * minutes * 60_000;
  }
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const at = new Date(utc - offsetMs);
  return Number.isNaN(at.getTime()) ? null : at;
}
