import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDataDir, runHubCli as hub } from '../../testing/cli.js';
import { BUNDLED_CALENDAR_FILE } from './files.js';

describe('calendar CLI', () => {
  const data = cliDataDir();
  const { dir: d, file } = data;
  beforeAll(() => data.createStore());
  afterAll(() => data.remove());

  it('has help for the group and every command', async () => {
    for (const cmd of [['calendar'], ['calendar', 'validate'], ['calendar', 'load'], ['calendar', 'show']]) {
      const res = await hub(...cmd, '--help');
      expect(res.code, cmd.join(' ')).toBe(0);
      expect(res.stdout).toContain(`Usage: hub ${cmd.join(' ')}`);
    }
    expect((await hub('calendar', '--help')).stdout).toMatch(
      /validate \[file\][\s\S]*load \[file\][\s\S]*show \[options\] \[year\]/,
    );
  }, 60_000);

  it('validates files: exit 1 with file, line, field path and message', async () => {
    const bad = file(
      'bad.yaml',
      fs
        .readFileSync(BUNDLED_CALENDAR_FILE, 'utf8')
        .replace('workedOn: "2024-05-04"', 'workedOn: "2024-05-03"'),
    );
    const res = await hub('calendar', 'validate', bad);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(
        `error \\[DOCUMENT_INVALID\\]: ${bad}:\\d+: /years/0/swaps/0/workedOn must be a weekly rest day \\(friday is not one\\)`,
      ),
    );
    const ok = await hub('calendar', 'validate');
    expect(ok.stdout).toContain('4 year(s) valid: 2024, 2025, 2026, 2027');
  }, 60_000);

  it('loads idempotently, declares a changed year as a new version, shows a year', async () => {
    const first = await hub('-d', d, 'calendar', 'load');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('2024: declared v1\n2025: declared v1\n2026: declared v1\n2027: declared v1\n');
    expect((await hub('-d', d, 'calendar', 'load', BUNDLED_CALENDAR_FILE)).stdout).toBe(
      '2024: unchanged (v1)\n2025: unchanged (v1)\n2026: unchanged (v1)\n2027: unchanged (v1)\n',
    );

    const amended = file(
      'amended.yaml',
      fs
        .readFileSync(BUNDLED_CALENDAR_FILE, 'utf8')
        .replace(
          /( {8}workedOn: "2026-08-22"\n.*\n)/,
          '$1      - dayOff: "2026-11-23"\n        workedOn: "2026-11-28"\n        basis: "Công văn (thử nghiệm)"\n',
        ),
    );
    expect((await hub('-d', d, 'calendar', 'load', amended)).stdout).toBe(
      '2024: unchanged (v1)\n2025: unchanged (v1)\n2026: declared v2\n2027: unchanged (v1)\n',
    );

    const shown = await hub('-d', d, 'calendar', 'show', '2026');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^2026: version 2 \(event [0-9a-f-]{36}\)/);
    expect(shown.stdout).toContain('office hours 07:30–11:30, 13:00–17:00 Asia/Ho_Chi_Minh');
    expect(shown.stdout).toMatch(/2026-11-23\s+monday\s+swapped-off/);
    expect(shown.stdout).toMatch(
      /2026-11-24\s+tuesday\s+holiday\s+Ngày Văn hóa Việt Nam\s+Nghị quyết 28\/2026\/QH16/,
    );
    expect(shown.stdout).toMatch(/2026-11-28\s+saturday\s+make-up/);
    // 261 weekdays − 15 off + 3 Saturdays worked
    expect(shown.stdout).toContain('249 working days');
    const json = JSON.parse((await hub('-d', d, 'calendar', 'show', '2024', '--json')).stdout);
    expect(json).toMatchObject({
      year: 2024,
      version: 1,
      swaps: [{ dayOff: '2024-04-29', workedOn: '2024-05-04' }],
    });
    expect((await hub('-d', d, 'calendar', 'show')).stdout).toMatch(/^2026\s+2\s+8\s+3\s/m);

    const missing = await hub('-d', d, 'calendar', 'show', '2030');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'error [CALENDAR_YEAR_NOT_DECLARED]: the working calendar has no declaration for 2030 (declared: 2024, 2025, 2026, 2027)',
    );
    const notYear = await hub('-d', d, 'calendar', 'show', 'next');
    expect(notYear.stderr).toContain('error [CALENDAR_INVALID_ARGUMENT]: year: must be a year such as 2026');
  }, 120_000);
});
