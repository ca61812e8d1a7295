/**
 * Values as the wire writes them ↔ values of the internal form. Reading is lenient (the forms other
 * vendors write are read too) and never throws: text it cannot read stays as it is, so the schema
 * check names the field. Writing gives one form, so a built envelope reads back to what built it.
 */

/** How a leaf element's text is read and written. */
export type WireKind = 'text' | 'int' | 'bool' | 'date' | 'instant' | 'statusCode' | 'digestMethod';

/** The XML-DSig / XML-Enc identifier of SHA-256, written in `DigestMethod`. */
export const SHA256_URI = 'http://www.w3.org/2001/04/xmlenc#sha256';

const INT = /^\s*(\d{1,15})\s*$/;
const DAY_FIRST_YEAR = /^(\d{4})[/-](\d{2})[/-](\d{2})$/;
const DAY_LAST_YEAR = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const LOCAL_TIME_YEAR_FIRST = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const LOCAL_TIME_YEAR_LAST = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
/** Vietnam's offset: wire instants without a zone are in it, internal instants are written in it. */
const VN_OFFSET_MS = 7 * 3600_000;

/** The internal value of a leaf's text; `undefined` for empty text (an empty element is absent). */
export function fromWire(kind: WireKind, raw: string): unknown {
  if (raw === '') return undefined;
  if (kind === 'text') return raw;
  const text = raw.trim();
  switch (kind) {
    case 'int': {
      const m = INT.exec(text);
      return m ? Number(m[1]) : raw;
    }
    case 'bool':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : raw;
    case 'date':
      return readDate(text) ?? raw;
    case 'instant':
      return readInstant(text) ?? raw;
    case 'statusCode':
      return /^\d$/.test(text) ? `0${text}` : text;
    case 'digestMethod':
      return text === SHA256_URI || text.toLowerCase() === 'sha256' ? 'sha256' : raw;
  }
}

/** The text written for an internal value (already checked against the schema). */
export function toWire(kind: WireKind, value: unknown): string {
  switch (kind) {
    case 'date':
      return (value as string).replaceAll('-', '/');
    case 'instant': {
      const v = value as string;
      return `${v.slice(0, 10).replaceAll('-', '/')} ${v.slice(11, 19)}`;
    }
    case 'bool':
      return value ? 'true' : 'false';
    case 'digestMethod':
      return SHA256_URI;
    default:
      return String(value);
  }
}

/** `YYYY/MM/DD`, `YYYY-MM-DD` or `DD/MM/YYYY` → `YYYY-MM-DD` (the schema checks the day exists). */
function readDate(text: string): string | undefined {
  const first = DAY_FIRST_YEAR.exec(text);
  if (first) return `${first[1]}-${first[2]}-${first[3]}`;
  const last = DAY_LAST_YEAR.exec(text);
  return last ? `${last[3]}-${last[2]}-${last[1]}` : undefined;
}

/**
 * `YYYY/MM/DD HH:mm:ss` or `DD/MM/YYYY HH:mm:ss` (Vietnam time), or ISO 8601 with or without a
 * zone (none: Vietnam time) → `YYYY-MM-DDTHH:mm:ss+07:00`; fractions of a second are dropped.
 */
function readInstant(text: string): string | undefined {
  let m = LOCAL_TIME_YEAR_FIRST.exec(text);
  if (m) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`;
  m = LOCAL_TIME_YEAR_LAST.exec(text);
  if (m) return `${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:${m[6]}+07:00`;
  m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const local = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  const zone = m[7];
  if (zone === undefined || zone === '+07:00') return `${local}+07:00`;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // a day or hour out of range rolls over in Date: leave it to the schema instead
  if (new Date(wall).toISOString().slice(0, 19) !== local) return undefined;
  const offset =
    zone === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4))) * 60_000;
  return `${new Date(wall - offset + VN_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}
