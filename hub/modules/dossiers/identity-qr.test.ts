import { describe, expect, it } from 'vitest';
import { IdentityQrInvalidError } from '../../kernel/errors/index.js';
import { parseCitizenIdQr, QR_MAX_LENGTH, vietnamToday } from './identity-qr.js';

const TODAY = '2026-03-12';
const fields = {
  id: '001090012345',
  old: '012345678',
  name: 'Nguyễn Văn An',
  born: '15031990',
  gender: 'Nam',
  address: 'Số 1 Đội Cấn, Phường Ba Đình, Hà Nội',
  issued: '10082021',
};
const qr = (over: Partial<typeof fields> = {}, extra: string[] = []) =>
  [...Object.values({ ...fields, ...over }), ...extra].join('|');

/** The error a text gives (the test fails when it parses). */
function refusal(text: string): IdentityQrInvalidError {
  try {
    parseCitizenIdQr(text, TODAY);
  } catch (error) {
    if (error instanceof IdentityQrInvalidError) return error;
    throw error;
  }
  throw new Error('the text parsed');
}

describe('parseCitizenIdQr', () => {
  it('reads the seven fields of a chip-based card', () => {
    expect(parseCitizenIdQr(qr(), TODAY)).toEqual({
      personalId: '001090012345',
      previousIdNumber: '012345678',
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1990-03-15',
      gender: 'male',
      address: 'Số 1 Đội Cấn, Phường Ba Đình, Hà Nội',
      issuedOn: '2021-08-10',
    });
  });

  it('takes a card without an old ID, a woman born in the 2000s, a trailing line break and decomposed diacritics', () => {
    const text = `${qr({ id: '079303004567', old: '', name: 'Trần Thị Bình'.normalize('NFD'), born: '02012003', gender: 'Nữ'.normalize('NFD') })}\r\n`;
    expect(parseCitizenIdQr(text, TODAY)).toMatchObject({
      personalId: '079303004567',
      previousIdNumber: null,
      fullName: 'Trần Thị Bình',
      dateOfBirth: '2003-01-02',
      gender: 'female',
    });
  });

  it('ignores the fields newer cards append after the seventh', () => {
    const card = parseCitizenIdQr(qr({}, ['Nguyễn Văn Bố', 'Trần Thị Mẹ', '']), TODAY);
    expect(card.personalId).toBe('001090012345');
    expect(Object.keys(card)).toHaveLength(7);
  });

  it('accepts a card issued on the day of birth and today', () => {
    expect(
      parseCitizenIdQr(
        qr({ id: '001226000001', born: '12032026', gender: 'Nam', issued: '12032026' }),
        TODAY,
      ),
    ).toMatchObject({ dateOfBirth: '2026-03-12', issuedOn: '2026-03-12' });
  });

  const cases: [string, string, number, string, RegExp][] = [
    ['an empty text', '', 0, 'text', /not `\|`-separated/],
    ['one field only', '001090012345', 0, 'text', /not `\|`-separated/],
    ['too few fields', qr().split('|').slice(0, 6).join('|'), 7, 'issuedOn', /missing/],
    ['an 11-digit ID', qr({ id: '00109001234' }), 1, 'personalId', /12 digits/],
    ['letters in the ID', qr({ id: '00109001234O' }), 1, 'personalId', /12 digits/],
    ['an unknown province', qr({ id: '097090012345' }), 1, 'personalId', /province/],
    ['an ID of a woman for a man', qr({ id: '001190012345' }), 1, 'personalId', /date of birth and gender/],
    ['an ID of another birth year', qr({ id: '001091012345' }), 1, 'personalId', /date of birth and gender/],
    ['an 8-digit old ID', qr({ old: '12345678' }), 2, 'previousIdNumber', /9 digits/],
    ['an empty name', qr({ name: '  ' }), 3, 'fullName', /empty/],
    ['digits in the name', qr({ name: 'Nguyễn Văn 4n' }), 3, 'fullName', /letters/],
    ['a control character in the name', qr({ name: 'Nguyễn\u0000Văn' }), 3, 'fullName', /control/],
    ['a birth date with dashes', qr({ born: '15-03-1990' }), 4, 'dateOfBirth', /ddmmyyyy/],
    ['30 February', qr({ born: '30021990' }), 4, 'dateOfBirth', /real date/],
    [
      'a birth in the future',
      qr({ id: '001226012345', born: '01012027', issued: '01012027' }),
      4,
      'dateOfBirth',
      /after today/,
    ],
    ['gender in English', qr({ gender: 'Male' }), 5, 'gender', /Nam or Nữ/],
    ['gender without diacritics', qr({ gender: 'Nu' }), 5, 'gender', /Nam or Nữ/],
    ['an empty address', qr({ address: '' }), 6, 'address', /empty/],
    ['an issue date of 13 months', qr({ issued: '01132021' }), 7, 'issuedOn', /real date/],
    ['an issue before the birth', qr({ issued: '14031990' }), 7, 'issuedOn', /before the date of birth/],
    ['an issue in the future', qr({ issued: '13032026' }), 7, 'issuedOn', /after today/],
  ];
  it.each(cases)('refuses %s, naming the field and never its value', (_, text, position, name, reason) => {
    const error = refusal(text);
    expect(error).toMatchObject({ code: 'IDENTITY_QR_INVALID', position, name, field: 'qr' });
    expect(error.reason).toMatch(reason);
    const parts = text.split('|').filter((p) => p.trim().length > 3);
    for (const part of parts) {
      expect(error.message).not.toContain(part);
      expect(JSON.stringify(error.details())).not.toContain(part);
    }
  });

  it('refuses a text longer than any card holds, naming the argument it came in', () => {
    const error = (() => {
      try {
        parseCitizenIdQr(qr({ address: 'x'.repeat(QR_MAX_LENGTH) }), TODAY, 'input.applicantQr');
      } catch (e) {
        return e as IdentityQrInvalidError;
      }
    })();
    expect(error).toMatchObject({ position: 0, name: 'text', field: 'input.applicantQr' });
  });

  it('counts today in Vietnam (UTC+7)', () => {
    expect(vietnamToday(new Date('2026-03-11T17:30:00Z'))).toBe('2026-03-12');
  });
});
