import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, tempDir } from '../hub/testing/temp.js';
import type { RunCounts } from './kit/events.js';
import { acquireLock, inspectLock, type LockOwner } from './kit/lock.js';
import { openTestHub } from './kit/testing.js';
import { openConnector, sumCounts } from './runtime.js';
import { createSqlitePopulation, populationRows } from './sql/testing/population.js';

describe('connector runtime: the run lock seen from status and sync', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: Awaited<ReturnType<typeof openTestHub>>;
  let sourceFile: string;
  const open = () =>
    openConnector({
      name: 'population-sql',
      hub,
      logger: silentLogger(),
      set: [`url=sqlite:${sourceFile}`, 'batchSize=50'],
    });
  const writeLock = (file: string, owner: Partial<LockOwner>) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const at = new Date().toISOString();
    fs.writeFileSync(
      file,
      JSON.stringify({
        pid: process.pid,
        host: os.hostname(),
        token: 't',
        startedAt: at,
        heartbeatAt: at,
        ...owner,
      }),
    );
  };

  beforeEach(async () => {
    tmp = tempDir();
    hub = await openTestHub(tmp.dir);
    sourceFile = path.join(tmp.dir, 'population.sqlite');
    createSqlitePopulation(sourceFile, populationRows({ count: 200 }));
  });
  afterEach(async () => {
    await hub.close();
    tmp.remove();
  });

  it('a lock left by a dead process: status says not running, and the next sync takes it over', async () => {
    const c = open();
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    writeLock(c.paths.lock, { pid: child.pid! });
    const status = await c.status();
    expect(status.running).toBeNull();
    expect(status.staleLock).toMatchObject({ pid: child.pid, reason: 'process gone' });

    const done = await c.sync();
    expect(done.counts.read).toBe(200);
    expect(inspectLock(c.paths.lock)).toEqual({ state: 'free' });
    expect((await c.status()).staleLock).toBeNull();
  });

  it('a live holder: status says running (pid, host, heartbeat); sync and reset are refused', async () => {
    const c = open();
    const lock = acquireLock(c.paths.lock, 'population-sql');
    try {
      expect((await c.status()).running).toEqual({
        pid: process.pid,
        host: os.hostname(),
        startedAt: lock.owner.startedAt,
        heartbeatAt: lock.owner.heartbeatAt,
      });
      await expect(c.sync()).rejects.toMatchObject({ code: 'CONNECTOR_RUNNING' });
      await expect(c.reset()).rejects.toMatchObject({ code: 'CONNECTOR_RUNNING' });
    } finally {
      lock.release();
    }
    expect((await c.status()).running).toBeNull();
  });

  it('a run whose lock was taken over stops at its next checkpoint and leaves the new holder’s lock alone', async () => {
    const c = open();
    let checkpoints = 0;
    await expect(
      c.sync({
        onCheckpoint: () => {
          if (++checkpoints === 1) writeLock(c.paths.lock, { host: 'another-host', token: 'successor' });
        },
      }),
    ).rejects.toMatchObject({ code: 'CONNECTOR_RUNNING' });
    expect(checkpoints).toBe(1);
    expect(inspectLock(c.paths.lock)).toMatchObject({ state: 'held', owner: { token: 'successor' } });
  });
});

describe('liveness settings', () => {
  it('are validated with their path, in the configuration and in a manifest’s defaults', async () => {
    const tmp = tempDir();
    const hub = await openTestHub(tmp.dir);
    try {
      const open = (root?: string, set: string[] = []) =>
        openConnector({ name: 'population-sql', hub, logger: silentLogger(), root, set });
      expect(() => open(undefined, ['idleTimeoutMs=10'])).toThrow(
        expect.objectContaining({
          code: 'CONNECTOR_CONFIG_INVALID',
          issues: [{ path: '/idleTimeoutMs', message: 'must be >= 100' }],
        }),
      );
      const root = path.join(tmp.dir, 'connectors');
      fs.cpSync(path.join(import.meta.dirname, 'population-sql'), path.join(root, 'population-sql'), {
        recursive: true,
      });
      const manifest = path.join(root, 'population-sql', 'connector.json');
      const json = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      fs.writeFileSync(manifest, JSON.stringify({ ...json, config: { ...json.config, keepAliveMs: -1 } }));
      expect(() => open(root)).toThrow(
        expect.objectContaining({ issues: [{ path: '/config/keepAliveMs', message: 'must be >= 0' }] }),
      );
    } finally {
      await hub.close();
      tmp.remove();
    }
  });
});

describe('sumCounts', () => {
  it('adds every count of every attempt', () => {
    const a = {
      read: 1000,
      upserted: 990,
      unchanged: 5,
      deleted: 1,
      rejected: 4,
      quarantined: 2,
      rejectedAgain: 3,
      reread: 7,
    };
    const b = {
      read: 250,
      upserted: 200,
      unchanged: 48,
      deleted: 0,
      rejected: 2,
      quarantined: 0,
      rejectedAgain: 0,
      reread: 0,
    };
    expect(sumCounts([{ counts: a }, { counts: b }])).toEqual({
      read: 1250,
      upserted: 1190,
      unchanged: 53,
      deleted: 1,
      rejected: 6,
      quarantined: 2,
      rejectedAgain: 3,
      reread: 7,
    });
    // Counts of runs recorded before quarantined, rejectedAgain and reread existed lack them.
    const old = { read: 10, upserted: 10, unchanged: 0, deleted: 0, rejected: 0 } as RunCounts;
    expect(sumCounts([{ counts: old }, { counts: a }])).toMatchObject({
      quarantined: 2,
      rejectedAgain: 3,
      reread: 7,
    });
    expect(sumCounts([])).toEqual({
      read: 0,
      upserted: 0,
      unchanged: 0,
      deleted: 0,
      rejected: 0,
      quarantined: 0,
      rejectedAgain: 0,
      reread: 0,
    });
  });
});
