import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../eventstore/sqlite.js';
import { TestWriter } from '../projections/test-events.js';
import { runScript } from '../testing/cli.js';
import { silentLogger, tempDir } from '../testing/temp.js';

const hub = (...args: string[]) => runScript('hub/cli.ts', args, { ...process.env, LIENTHONG_DATA_DIR: '' });

describe('hub CLI', () => {
  const temp = tempDir();
  const dataDir = temp.dir;

  beforeAll(async () => {
    const store = await openSqliteEventStore({
      file: path.join(dataDir, 'events.db'),
      logger: silentLogger(),
    });
    const writer = new TestWriter(store);
    await writer.many('dossier', 30, 6);
    await writer.many('consent', 12, 4);
    await store.close();
  });

  afterAll(() => temp.remove());

  it('prints help for the program and for every command', async () => {
    const top = await hub('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('projections');
    expect(top.stdout).toContain('--data-dir');
    const rebuild = await hub('projections', 'rebuild', '--help');
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toContain('stream-catalog');
    expect((await hub('store', 'check', '--help')).stdout).toContain('integrity_check');
  });

  it('rebuilds a read model into readmodels.db and reports it', async () => {
    const result = await hub('--data-dir', dataDir, 'projections', 'rebuild', 'stream-catalog');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rebuilt stream-catalog: 42 events');
    expect(result.stderr).toContain('100% | 42/42 positions');

    const db = new Database(path.join(dataDir, 'readmodels.db'), { readonly: true });
    const rows = db
      .prepare('SELECT category, SUM(event_count) AS events FROM stream_catalog GROUP BY category')
      .all();
    const checkpoint = db
      .prepare("SELECT position FROM projection_checkpoints WHERE name = 'stream-catalog'")
      .get();
    db.close();
    expect(rows).toEqual([
      { category: 'consent', events: 12 },
      { category: 'dossier', events: 30 },
    ]);
    expect(checkpoint).toEqual({ position: 42 });

    const status = await hub('-d', dataDir, 'projections', 'status', '--json');
    const statuses = JSON.parse(status.stdout) as { name: string }[];
    expect(statuses.find((s) => s.name === 'stream-catalog')).toMatchObject({ checkpoint: 42, lag: 0 });
    expect(statuses.find((s) => s.name === 'admin-units')).toMatchObject({ storedVersion: null, lag: 42 });
  });

  it('reports the store and checks its integrity', async () => {
    const info = await hub('-d', dataDir, 'store', 'info', '--json');
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ backend: 'sqlite', lastPosition: 42, streams: 10 });
    const check = await hub('-d', dataDir, 'store', 'check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('events.db: ok');
  });

  it('fails with a clear message and a non-zero exit code', async () => {
    const unknown = await hub('-d', dataDir, 'projections', 'rebuild', 'no-such-model');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('PROJECTION_UNKNOWN');
    expect(unknown.stderr).toContain('stream-catalog');

    const missing = await hub('-d', path.join(dataDir, 'absent'), 'store', 'info');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no event store at');
    expect(fs.existsSync(path.join(dataDir, 'absent'))).toBe(false);

    const typo = await hub('projections', 'rebiuld');
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain('unknown command');
  });
});
