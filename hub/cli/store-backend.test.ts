import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from '../testing/cli.js';
import { tempDir } from '../testing/temp.js';

/** Nothing listens on port 1: the client fails to connect at once. */
const UNREACHABLE = 'kurrentdb://127.0.0.1:1?tls=false';

const hub = (env: Record<string, string>, ...args: string[]) =>
  runScript('hub/cli.ts', args, { PATH: process.env.PATH, LIENTHONG_DATA_DIR: '', ...env });

describe('hub CLI: the store the configuration names', () => {
  const temp = tempDir();
  afterAll(() => temp.remove());
  const kurrent = { LIENTHONG_STORE: 'kurrentdb', KURRENTDB_URL: UNREACHABLE };

  it('opens KurrentDB when LIENTHONG_STORE=kurrentdb: unreachable, it says so, not that a file is missing', async () => {
    for (const command of [
      ['store', 'info'],
      ['agencies', 'list'],
      ['erase', 'subject', '--personal-id', '001099012345'],
    ]) {
      const res = await hub(kurrent, '-d', temp.dir, ...command);
      expect(res.code, command.join(' ')).toBe(1);
      expect(res.stderr.trim()).toBe(
        'error [EVENTSTORE_UNAVAILABLE]: KurrentDB unavailable: UnavailableError',
      );
      expect(res.stderr).not.toContain('events.db');
    }
    // Nothing was created in the data directory for a store it could not reach.
    expect(fs.readdirSync(temp.dir)).toEqual([]);
  }, 60_000);

  it('refuses the file-only commands on KurrentDB with a typed error naming the backend', async () => {
    const res = await hub(kurrent, '-d', temp.dir, 'store', 'check');
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(
      'error [EVENTSTORE_EMBEDDED_ONLY]: store check works on the embedded SQLite store file only; the configured store is kurrentdb (LIENTHONG_STORE=kurrentdb): use its own tools',
    );
  });

  it('on the embedded store (the default), a missing file is named', async () => {
    const res = await hub({}, '-d', temp.dir, 'store', 'info');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`no event store at ${path.join(temp.dir, 'events.db')}`);
  });

  it('checks the configuration like the server: a wrong setting names the variable', async () => {
    const res = await hub({ LIENTHONG_STORE: 'kurrentdb' }, '-d', temp.dir, 'store', 'info');
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(
      'error [CONFIG_INVALID]: KURRENTDB_URL: is required when LIENTHONG_STORE=kurrentdb',
    );
  });
});
