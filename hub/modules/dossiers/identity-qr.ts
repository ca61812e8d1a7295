import { IdentityQrInvalidError } from '../../kernel/errors/index.js';
import { isLocalDate, type LocalDate, localDateOf } from '../../kernel/local-date.js';

/** What the QR code of a chip-based citizen identity card (CCCD gắn chip) says of its holder. */
export interface CitizenIdCard {
  /** Personal identification number (số định danh cá nhân), 12 digits. */
  personalId: string;
  /** The 9-digit number of the holder's old identity card (CMND), when the card names one. */
  previousIdNumber: string | null;
  fullName: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth: LocalDate;
  gender: 'male' | 'female';
  /** Place of permanent residence as printed. */
  address: string;
  /** `YYYY-MM-DD`. */
  issuedOn: LocalDate;
}

/** The fields of the QR text, in order (1-based positions in errors). */
export const QR_FIELDS = [
  'personalId',
  'previousIdNumber',
  'fullName',
  'dateOfBirth',
  'gender',
  'address',
  'issuedOn',
] as const;
type QrField = (typeof QR_FIELDS)[number];

/** Longest QR text read (the card's own is well under 300 characters). */
export const QR_MAX_LENGTH = 1000;
const MAX_NAME = 100;
const MAX_ADDRESS = 500;
const GENDERS = { Nam: 'male', Nữ: 'female' } as const;
/** Letters (Vietnamese included, combining marks allowed), spaces, and `'`, `-`, `.` inside names. */
const NAME = /^\p{L}[\p{L}\p{M}' .-]*$/u;
/** Control characters have no place in any field. */
const CONTROL = /\p{Cc}/u;

/**
 * Reads the QR text of a chip-based citizen identity card — `personal ID|old ID|full name|date of
 * birth|gender|address|date of issue`, dates as `ddmmyyyy`, gender `Nam` or `Nữ`, the old ID
 * empty when there is none — checking every field: the ID is 12 digits whose province (001–096),
 * century-and-gender digit and year digits agree with the date of birth and gender (Circular
 * 07/2016/TT-BCA, art. 7); dates are real days, not after `today` (Vietnam), the issue not before
 * the birth. Fields after the seventh, which newer cards append, are ignored. A malformed text is
 * `IDENTITY_QR_INVALID` naming the field's position and name, never its value; `argument` is the
 * API argument the text came in.
 */
export function parseCitizenIdQr(text: string, today: LocalDate, argument = 'qr'): CitizenIdCard {
  const fail = (position: number, reason: string): never => {
    throw new IdentityQrInvalidError(
      position,
      position === 0 ? 'text' : QR_FIELDS[position - 1]!,
      reason,
      argument,
    );
  };
  if (text.length > QR_MAX_LENGTH) fail(0, `longer than ${QR_MAX_LENGTH} characters`);
  // scanners often end the text with a line break
  const parts = text
    .normalize('NFC')
    .replace(/[\r\n]+$/, '')
    .split('|');
  if (parts.length === 1) fail(0, 'not `|`-separated fields');
  const field = (name: QrField): string => {
    const position = QR_FIELDS.indexOf(name) + 1;
    const value = parts[position - 1];
    if (value === undefined) return fail(position, 'missing');
    if (CONTROL.test(value)) return fail(position, 'contains control characters');
    return value.trim();
  };
  const at = (name: QrField) => QR_FIELDS.indexOf(name) + 1;

  const personalId = field('personalId');
  if (!/^[0-9]{12}$/.test(personalId)) fail(at('personalId'), 'must be 12 digits');
  const province = Number(personalId.slice(0, 3));
  if (province < 1 || province > 96) fail(at('personalId'), 'does not start with a province code 001–096');

  const previous = field('previousIdNumber');
  if (previous !== '' && !/^[0-9]{9}$/.test(previous))
    fail(at('previousIdNumber'), 'must be 9 digits or empty');

  const fullName = field('fullName').replace(/\s+/g, ' ');
  if (fullName === '') fail(at('fullName'), 'is empty');
  if (fullName.length > MAX_NAME) fail(at('fullName'), `longer than ${MAX_NAME} characters`);
  if (!NAME.test(fullName)) fail(at('fullName'), "may hold only letters, spaces and the marks ' - .");

  const dateOfBirth = date(field('dateOfBirth'), at('dateOfBirth'), fail);
  if (dateOfBirth > today) fail(at('dateOfBirth'), 'is after today');

  const gender = GENDERS[field('gender') as keyof typeof GENDERS];
  if (!gender) fail(at('gender'), 'must be Nam or Nữ');

  const address = field('address').replace(/\s+/g, ' ');
  if (address === '') fail(at('address'), 'is empty');
  if (address.length > MAX_ADDRESS) fail(at('address'), `longer than ${MAX_ADDRESS} characters`);

  const issuedOn = date(field('issuedOn'), at('issuedOn'), fail);
  if (issuedOn < dateOfBirth) fail(at('issuedOn'), 'is before the date of birth');
  if (issuedOn > today) fail(at('issuedOn'), 'is after today');

  // digit 4: century and gender (0/1: man/woman born 1900–1999, 2/3: 2000–2099, …); digits 5–6: year
  const year = Number(dateOfBirth.slice(0, 4));
  const expected = (Math.floor(year / 100) - 19) * 2 + (gender === 'female' ? 1 : 0);
  if (Number(personalId[3]) !== expected || personalId.slice(4, 6) !== dateOfBirth.slice(2, 4)) {
    fail(at('personalId'), 'does not agree with the date of birth and gender (fields 4 and 5)');
  }

  return {
    personalId,
    previousIdNumber: previous === '' ? null : previous,
    fullName,
    dateOfBirth,
    gender: gender!,
    address,
    issuedOn,
  };
}

/** `ddmmyyyy` → `YYYY-MM-DD`, a real day from 1900. */
function date(value: string, position: number, fail: (position: number, reason: string) => never): LocalDate {
  const m = /^([0-9]{2})([0-9]{2})([0-9]{4})$/.exec(value);
  if (!m) return fail(position, 'must be a date ddmmyyyy');
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  if (!isLocalDate(iso) || iso < '1900-01-01') return fail(position, 'is not a real date from 1900');
  return iso;
}

/** Today in Vietnam, for `parseCitizenIdQr`. */
export const vietnamToday = (now: Date): LocalDate => localDateOf(now);
