import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from '../../hub/testing/cli.js';
import { tempDir } from '../../hub/testing/temp.js';

const connector = (env: Record<string, string>, ...args: string[]) =>
  runScript('connectors/cli/index.ts', args, { PATH: process.env.PATH, ...env });

describe('connector CLI: the store the configuration names', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());

  it('opens KurrentDB when LIENTHONG_STORE=kurrentdb: unreachable, it fails with the store-unavailable error', async () => {
    const env = { LIENTHONG_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://127.0.0.1:1?tls=false' };
    for (const command of ['status', 'reset']) {
      const res = await connector(env, command, 'population-sql', '--data-dir', temp.dir);
      expect(res.code, command).toBe(1);
      expect(res.stderr.trim()).toBe('error EVENTSTORE_UNAVAILABLE: KurrentDB unavailable: UnavailableError');
    }
    expect(fs.existsSync(path.join(temp.dir, 'events.db'))).toBe(false);
  }, 60_000);

  it('opens the embedded store in --data-dir by default', async () => {
    const res = await connector({}, 'status', 'population-sql', '--data-dir', temp.dir);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('population-sql');
    expect(fs.existsSync(path.join(temp.dir, 'events.db'))).toBe(true);
  }, 60_000);

  it('refuses a production run without the hub secrets, naming the variable', async () => {
    const res = await connector(
      { NODE_ENV: 'production' },
      'status',
      'population-sql',
      '--data-dir',
      temp.dir,
    );
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe('error CONFIG_INVALID: LIENTHONG_PSEUDONYM_SECRET: is required');
  });
});
