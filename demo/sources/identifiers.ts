import { scramble } from './random.js';

/**
 * Personal identification number (số định danh cá nhân, Decree 137/2015/ND-CP, Circular 07/2016/TT-BCA):
 * 3 digits province of birth registration ('0' + province code), 1 digit century and gender
 * (0/1 = man/woman born 1900–1999, 2/3 = 2000–2099, 4/5 = 2100–2199), 2 digits year of birth,
 * 6 digits serial. `serial` must be unique per (province, gender, year) to keep numbers unique.
 */
export function personalIdNumber(
  provinceCode: string,
  gender: 1 | 2,
  birthYear: number,
  serial: number,
): string {
  const century = Math.floor(birthYear / 100) - 19;
  const digit = century * 2 + (gender - 1);
  const shift = (Number(provinceCode) * 7_919 + birthYear * 104_729 + gender * 15_485) % 1_000_000;
  const random6 = scramble((serial + shift) % 1_000_000, 1_000_000, 271_828);
  return `0${provinceCode}${digit}${String(birthYear % 100).padStart(2, '0')}${String(random6).padStart(6, '0')}`;
}

export interface DecodedPersonalId {
  provinceCode: string;
  gender: 1 | 2;
  birthYear: number;
}

/** Decodes a well-formed number; undefined when it cannot be one (wrong length, letters, unknown province). */
export function decodePersonalId(
  value: string,
  provinceCodes: ReadonlySet<string>,
): DecodedPersonalId | undefined {
  const m = /^0([0-9]{2})([0-9])([0-9]{2})[0-9]{6}$/.exec(value);
  if (!m || !provinceCodes.has(m[1]!)) return undefined;
  const digit = Number(m[2]);
  if (digit > 5) return undefined;
  return {
    provinceCode: m[1]!,
    gender: ((digit % 2) + 1) as 1 | 2,
    birthYear: 1900 + Math.floor(digit / 2) * 100 + Number(m[3]),
  };
}

/**
 * Turns a valid number into an invalid one, injectively (so the column stays unique): either an
 * unknown province code (9xx) or a letter typed for the last digit.
 */
export function corruptPersonalId(value: string, variant: number): string {
  if (variant % 2 === 0) return `9${value.slice(1)}`;
  return `${value.slice(0, 11)}${'OIZEASGTBP'[Number(value[11])]}`;
}

const TAX_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/** Check digit of a 10-digit enterprise code (mã số doanh nghiệp = mã số thuế); undefined if no valid one. */
export function enterpriseCheckDigit(first9: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * TAX_WEIGHTS[i]!;
  const check = 10 - (sum % 11);
  return check === 10 ? undefined : check;
}

/**
 * A unique enterprise code for sequence numbers below 1,000,000: 2 digits province, 6 scrambled
 * digits, one digit chosen so that a check digit exists (only one of the ten fails), then the check.
 */
export function enterpriseCode(provinceCode: string, sequence: number, pick: number): string {
  const middle = `${provinceCode}${String(scramble(sequence % 1_000_000, 1_000_000, 141_421)).padStart(6, '0')}`;
  for (let i = 0; i < 10; i++) {
    const candidate = `${middle}${(pick + i) % 10}`;
    const check = enterpriseCheckDigit(candidate);
    if (check !== undefined) return `${candidate}${check}`;
  }
  throw new RangeError('unreachable: nine of ten last digits give a check digit');
}

export const isValidEnterpriseCode = (value: string) =>
  /^[0-9]{10}$/.test(value) && enterpriseCheckDigit(value.slice(0, 9)) === Number(value[9]);
