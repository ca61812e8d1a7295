import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../kernel/errors/index.js';
import { tempDir } from '../../testing/temp.js';
import { BUNDLED_CALENDAR_FILE, calendarYearsIn, parseCalendarFile, readCalendarFile } from './files.js';

const FILE = 'test.yaml';
const header = `timeZone: Asia/Ho_Chi_Minh
weeklyRestDays: [saturday, sunday]
workingHours:
  - { from: "07:30", to: "11:30" }
  - { from: "13:00", to: "17:00" }
workingHoursBasis: Quyết định 188/1999/QĐ-TTg
years:
`;
const parse = (years: string, head = header) => parseCalendarFile(FILE, head + years);

describe('calendar files', () => {
  it('reads the bundled file: every holiday with its legal basis, one-day entries as from = to', () => {
    const { years, issues } = readCalendarFile(BUNDLED_CALENDAR_FILE);
    expect(issues).toEqual([]);
    expect(years.map((y) => y.year)).toEqual([2024, 2025, 2026, 2027]);
    const y2026 = years[2]!;
    expect(y2026.holidays.find((h) => h.name.startsWith('Tết Âm lịch'))).toEqual({
      from: '2026-02-14',
      to: '2026-02-22',
      name: 'Tết Âm lịch Bính Ngọ (27 tháng Chạp – mùng 6 tháng Giêng)',
      basis: 'Thông báo 9441/TB-BNV ngày 16/10/2025',
    });
    expect(y2026.holidays[0]).toMatchObject({ from: '2026-01-01', to: '2026-01-01' });
    expect(y2026.swaps).toEqual([
      { dayOff: '2026-01-02', workedOn: '2026-01-10', basis: 'Công văn 12729/VPCP-KGVX ngày 25/12/2025' },
      { dayOff: '2026-08-31', workedOn: '2026-08-22', basis: 'Thông báo 9441/TB-BNV ngày 16/10/2025' },
    ]);
    expect(y2026).toMatchObject({
      timeZone: 'Asia/Ho_Chi_Minh',
      weeklyRestDays: ['saturday', 'sunday'],
      makeUpWorkingDays: [],
    });
    for (const y of years) for (const h of y.holidays) expect(h.basis.length).toBeGreaterThan(10);
  });

  it('names the field path and line of a schema problem', () => {
    const { issues } = parse(`  - year: 2027
    holidays:
      - { date: "2027-01-01", name: Tết Dương lịch, basis: BLLĐ 2019 }
      - { date: "2027-02-31", name: Nope, basis: BLLĐ 2019 }
    swaps:
      - { dayOff: "2027-05-03", basis: "x y z" }
    extra: 1
`);
    expect(issues).toEqual([
      { file: FILE, path: '/years/0/extra', line: 14, message: 'is not allowed' },
      { file: FILE, path: '/years/0/holidays/1/date', line: 11, message: 'must match format "date"' },
      { file: FILE, path: '/years/0/swaps/0', line: 13, message: 'is required (missing workedOn)' },
    ]);
  });

  it('names the field path and line of a broken rule of the calendar', () => {
    const { issues, years } = parse(`  - year: 2027
    holidays:
      - { date: "2027-01-01", name: Tết Dương lịch, basis: BLLĐ 2019 }
      - { from: "2027-02-05", to: "2027-02-03", name: Tết, basis: BLLĐ 2019 }
      - { date: "2028-04-30", name: Ngày Chiến thắng, basis: BLLĐ 2019 }
      - { from: "2027-01-01", name: Tết Dương lịch, basis: BLLĐ 2019 }
    swaps:
      - { dayOff: "2027-05-03", workedOn: "2027-05-07", basis: "Công văn" }
    makeUpWorkingDays:
      - { date: "2027-01-02", basis: "Công văn" }
  - year: 2028
    holidays: []
    swaps:
      - { dayOff: "2028-01-01", workedOn: "2028-01-08", basis: "Công văn" }
  - year: 2028
    holidays: []
`);
    expect(years).toEqual([]);
    expect(issues).toEqual([
      {
        file: FILE,
        path: '/years/0/holidays/3',
        line: 13,
        message: 'needs date, or from and to (missing to)',
      },
      {
        file: FILE,
        path: '/years/1/swaps/0/dayOff',
        line: 21,
        message: 'must be a working weekday, not a weekly rest day (saturday)',
      },
      { file: FILE, path: '/years/2/year', line: 22, message: '2028 is already given at /years/1' },
    ]);
    const rules = parse(`  - year: 2027
    holidays:
      - { date: "2027-01-01", name: Tết Dương lịch, basis: BLLĐ 2019 }
      - { from: "2027-02-05", to: "2027-02-03", name: Tết, basis: BLLĐ 2019 }
      - { date: "2028-04-30", name: Ngày Chiến thắng, basis: BLLĐ 2019 }
    swaps:
      - { dayOff: "2027-05-03", workedOn: "2027-05-07", basis: "Công văn" }
    makeUpWorkingDays:
      - { date: "2027-01-01", basis: "Công văn" }
`);
    expect(rules.issues).toEqual([
      {
        file: FILE,
        path: '/years/0/holidays/1/to',
        line: 11,
        message: 'must not be before from (2027-02-05)',
      },
      { file: FILE, path: '/years/0/holidays/2/date', line: 12, message: 'must be in 2027' },
      {
        file: FILE,
        path: '/years/0/swaps/0/workedOn',
        line: 14,
        message: 'must be a weekly rest day (friday is not one)',
      },
      {
        file: FILE,
        path: '/years/0/makeUpWorkingDays/0/date',
        line: 16,
        message: 'must be a weekly rest day (friday is not one)',
      },
    ]);
  });

  it('points at the defaults when a year takes them', () => {
    const { issues } = parse(
      `  - year: 2027
    holidays: []
`,
      header.replace('to: "11:30"', 'to: "13:30"'),
    );
    expect(issues).toEqual([
      {
        file: FILE,
        path: '/workingHours/1/from',
        line: 5,
        message: 'must not be before the end of the previous interval',
      },
    ]);
  });

  it('reports YAML syntax and unreadable files; calendarYearsIn throws them as DOCUMENT_INVALID', () => {
    const broken = parse('  - year: 2027\n    holidays: [[[\n');
    expect(broken.issues).toEqual([
      expect.objectContaining({
        file: FILE,
        line: expect.any(Number),
        message: expect.stringMatching(/^YAML/),
      }),
    ]);
    expect(readCalendarFile('/no/such/calendar.yaml').issues).toEqual([
      { file: '/no/such/calendar.yaml', path: '', message: 'cannot read: ENOENT' },
    ]);
    const temp = tempDir();
    const file = path.join(temp.dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      `${header}  - year: 2027\n    holidays:\n      - { date: "2027-01-01", name: x }\n`,
    );
    let thrown: unknown;
    try {
      calendarYearsIn(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidDocumentError);
    expect(thrown).toMatchObject({ code: 'DOCUMENT_INVALID' });
    expect((thrown as Error).message).toBe(`${file}:10: /years/0/holidays/0 is required (missing basis)`);
    temp.remove();
  });
});
