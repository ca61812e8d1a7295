import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDataDir, runHubCli as hub, runScript } from '../testing/cli.js';

const root = path.resolve(import.meta.dirname, '../..');
const run = (script: string, ...args: string[]) =>
  runScript(script, args, { ...process.env, LIENTHONG_DATA_DIR: '' });

describe('agencies and contracts CLI', () => {
  const data = cliDataDir();
  const { dir: d, file } = data;
  beforeAll(() => data.createStore());
  afterAll(() => data.remove());

  it('has help for every command', async () => {
    for (const cmd of [
      ['agencies', 'register'],
      ['agencies', 'retire'],
      ['contracts', 'validate'],
      ['contracts', 'apply'],
    ]) {
      const res = await hub(...cmd, '--help');
      expect(res.code, cmd.join(' ')).toBe(0);
      expect(res.stdout).toContain(`Usage: hub ${cmd.join(' ')}`);
    }
  });

  it('validates contract files: exit 1 with file, line, path and message', async () => {
    const bad = file(
      'bad.yaml',
      'id: x1-bad\nprovider: 000.06.00.G08\nconsumer: 000.04.01.H26\ndataset: population\nfields: [fullName]\npurposes: [tthc-1.001193]\nlegalBasis: NĐ 47/2020\nconsentRequired: maybe\nvalidFrom: "2025-07-01"\nrateLimit: { requests: 1, perSeconds: 1 }\n',
    );
    const res = await hub('contracts', 'validate', bad);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${bad}:8: /consentRequired must be boolean`);
    const ok = await hub('contracts', 'validate');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\d+ contract\(s\) valid/);
  });

  it('registers agencies with demo keys, applies contracts idempotently, retires with a successor', async () => {
    const agencies = fs
      .readFileSync(path.join(root, 'demo/agencies.yaml'), 'utf8')
      .replace(/\n {4}retired:[\s\S]*$/, '\n');
    const registered = await hub('-d', d, 'agencies', 'register', '--file', file('agencies.yaml', agencies));
    expect(registered.code, registered.stderr).toBe(0);
    expect(registered.stdout).toContain('000.04.01.H26: AgencyRegistered');
    expect(fs.existsSync(path.join(d, 'demo-keys', '000.04.01.H26.jwk'))).toBe(true);
    expect(
      (await hub('-d', d, 'agencies', 'register', '--file', path.join(d, 'agencies.yaml'))).stdout,
    ).toContain('000.04.01.H26: unchanged');

    const applied = await hub('-d', d, 'contracts', 'apply');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('c06-to-ba-dinh-birth-registration: registered v1');
    expect(applied.stdout).toContain('c06-to-hoan-kiem-pilot: registered v1, revoked on 2026-01-05');
    expect((await hub('-d', d, 'contracts', 'apply')).stdout).toContain('c06-to-hoan-kiem-pilot: unchanged');
    const listed = await hub('-d', d, 'contracts', 'list', '--consumer', '000.04.01.H26', '--json');
    expect(JSON.parse(listed.stdout).map((c: { contractId: string }) => c.contractId)).toEqual([
      'c06-to-ba-dinh-birth-registration',
      'c06-to-ba-dinh-civil-procedures',
      'c06-to-ba-dinh-permanent-residence',
      'mae-to-ba-dinh-land-residence',
      'mof-to-ba-dinh-business-residence',
      'moj-to-ba-dinh-civil-status-birth-residence',
      'moj-to-ba-dinh-civil-status-death',
      'mps-to-ba-dinh-driving-licence-death',
      'vss-to-ba-dinh-child-health-insurance',
    ]);

    const retired = await hub(
      '-d',
      d,
      'agencies',
      'retire',
      '001.00.00.H26',
      '--successor',
      '000.04.01.H26',
      '--on',
      '2025-07-01',
    );
    expect(retired.stdout).toContain('001.00.00.H26: retired from 2025-07-01');
    const unknown = await hub('-d', d, 'agencies', 'retire', '000.04.01.H26', '--successor', '123.45.67.H89');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('AGENCY_NOT_FOUND');
    const list = await hub('-d', d, 'agencies', 'list', '--on', '2025-07-01');
    expect(list.stdout).toContain('000.04.01.H26');
    expect(list.stdout).not.toContain('001.00.00.H26');

    const token = await run(
      'scripts/token.ts',
      '-d',
      d,
      '--agency',
      '000.04.01.H26',
      '--role',
      'consumer',
      '--official',
      'CB-1',
    );
    expect(token.stdout.trim().split('.')).toHaveLength(3);
  }, 120_000);
});
