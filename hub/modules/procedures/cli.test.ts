import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../eventstore/sqlite.js';
import { runScript } from '../../testing/cli.js';
import { DEATH, procedureVariant } from '../../testing/procedures.js';
import { silentLogger, tempDir } from '../../testing/temp.js';

const hub = (...args: string[]) => runScript('hub/cli.ts', args, { ...process.env, LIENTHONG_DATA_DIR: '' });

describe('procedures CLI', () => {
  const temp = tempDir();
  const d = temp.dir;

  beforeAll(async () => {
    const store = await openSqliteEventStore({ file: path.join(d, 'events.db'), logger: silentLogger() });
    await store.close();
  });
  afterAll(() => temp.remove());

  it('has help for every command', async () => {
    for (const command of ['validate', 'load', 'withdraw', 'list', 'show']) {
      const res = await hub('procedures', command, '--help');
      expect(res.code, command).toBe(0);
      expect(res.stdout).toContain(`Usage: hub procedures ${command}`);
    }
  });

  it('refuses a bad file with exit 1, naming file, line and field path', async () => {
    const bad = procedureVariant(d, DEATH, (t) => t.replace('legacyLevel: 4', 'legacyLevel: 7'), 'bad.yaml');
    const res = await hub('-d', d, 'procedures', 'load', bad);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('DOCUMENT_INVALID');
    expect(res.stderr).toContain(`${bad}:17: /legacyLevel must be one of 1, 2, 3, 4`);
  });

  it('loads the catalogue idempotently, bumps a version on change, lists, shows and withdraws', async () => {
    const loaded = await hub('-d', d, 'procedures', 'load');
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain('1.001193: published v1');
    expect((await hub('-d', d, 'procedures', 'load')).stdout).toContain('1.001193: unchanged');

    const changed = procedureVariant(d, DEATH, (t) => t.replace('amount: 1\n  unit', 'amount: 2\n  unit'));
    expect((await hub('-d', d, 'procedures', 'load', changed)).stdout.trim()).toBe('1.000656: published v2');

    const listed = await hub('-d', d, 'procedures', 'list', '--service-level', 'partly-online', '--json');
    expect(JSON.parse(listed.stdout).map((p: { code: string }) => p.code)).toEqual([
      '1.001731',
      '1.004222',
      '1.013978',
    ]);
    const table = await hub('-d', d, 'procedures', 'list');
    expect(table.stdout).toMatch(/^9\.000001\*\s+1\s+Cấp thẻ bảo hiểm y tế/m);
    expect(table.stdout).toContain('* code not verified');

    const shown = await hub('-d', d, 'procedures', 'show', '1.001193');
    expect(shown.stdout).toContain('1.001193  Đăng ký khai sinh');
    expect(shown.stdout).toMatch(
      /mother\.fullName\s+population\.fullName \(about person in mother\.personalId\)/,
    );
    expect(shown.stdout).toMatch(/child\.fullName\s+typed/);
    const old = JSON.parse(
      (await hub('-d', d, 'procedures', 'show', '1.000656', '--version', '1', '--json')).stdout,
    );
    expect(old).toMatchObject({ version: 1, processingTime: { amount: 1 } });

    const withdrawn = await hub(
      '-d',
      d,
      'procedures',
      'withdraw',
      '1.004873',
      '--reason',
      'Bãi bỏ theo quyết định',
    );
    expect(withdrawn.stdout.trim()).toBe('1.004873: withdrawn');
    const all = await hub('-d', d, 'procedures', 'list', '--all', '--json');
    expect(JSON.parse(all.stdout).find((p: { code: string }) => p.code === '1.004873')).toMatchObject({
      status: 'withdrawn',
    });

    const unknown = await hub('-d', d, 'procedures', 'show', '2.999999');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('PROCEDURE_NOT_FOUND');
    const malformed = await hub('-d', d, 'procedures', 'show', '1001193');
    expect(malformed.stderr).toContain('<code>: expected a code like 1.001193, got "1001193"');
  }, 120_000);
});
