import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorBusyError } from '../../hub/kernel/errors/index.js';
import { tempDir } from '../../hub/testing/temp.js';
import { acquireLock, inspectLock, type LockOwner, type LockState } from './lock.js';

const LOCK_MODULE = path.join(import.meta.dirname, 'lock.ts');

/** The pid of a process that has exited (spawned and waited for). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

const owner = (o: Partial<LockOwner>): LockOwner => ({
  pid: process.pid,
  host: os.hostname(),
  token: 'other-holder',
  startedAt: new Date().toISOString(),
  heartbeatAt: new Date().toISOString(),
  ...o,
});

describe('connector run lock', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    tmp = tempDir();
    file = path.join(tmp.dir, 'connectors', 'demo.lock');
  });
  afterEach(() => tmp.remove());
  const write = (o: LockOwner | string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof o === 'string' ? o : JSON.stringify(o));
  };
  const read = () => JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
  const leftovers = () => fs.readdirSync(path.dirname(file)).filter((f) => f !== 'demo.lock');

  it('records pid, host and heartbeat; a second holder is refused while it lives; release frees it', () => {
    const lock = acquireLock(file, 'demo');
    expect(read()).toEqual(lock.owner);
    expect(lock.owner).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(inspectLock(file)).toEqual({ state: 'held', owner: lock.owner });
    expect(() => acquireLock(file, 'demo')).toThrow(ConnectorBusyError);
    expect(read().token).toBe(lock.owner.token);
    lock.release();
    expect(inspectLock(file)).toEqual({ state: 'free' });
    expect(leftovers()).toEqual([]);
  });

  it('takes over a lock whose process is gone', async () => {
    const dead = owner({ pid: await deadPid() });
    write(dead);
    expect(inspectLock(file)).toEqual({ state: 'stale', owner: dead, reason: 'process gone' });
    const lock = acquireLock(file, 'demo');
    expect(read().token).toBe(lock.owner.token);
    lock.release();
    expect(leftovers()).toEqual([]);
  });

  it('takes over a lock left in the old format (a bare pid) by a process that is gone', async () => {
    write(String(await deadPid()));
    expect(inspectLock(file)).toMatchObject({ state: 'stale', reason: 'process gone' });
    acquireLock(file, 'demo').release();
  });

  it('a heartbeat older than the stale limit marks the lock stale even if its pid lives (or is on another host)', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const fresh = '2026-01-01T00:09:30.000Z';
    const old = '2026-01-01T00:08:59.000Z';
    const timing = { staleMs: 60_000, now: () => now };
    for (const host of [os.hostname(), 'another-host']) {
      write(owner({ host, heartbeatAt: fresh }));
      expect(inspectLock(file, timing).state).toBe('held');
      expect(() => acquireLock(file, 'demo', timing)).toThrow(ConnectorBusyError);
      write(owner({ host, heartbeatAt: old }));
      expect(inspectLock(file, timing)).toMatchObject({ state: 'stale', reason: 'no heartbeat' });
      const lock = acquireLock(file, 'demo', timing);
      expect(read()).toMatchObject({ token: lock.owner.token, heartbeatAt: new Date(now).toISOString() });
      lock.release();
    }
  });

  it('the heartbeat moves forward while held; a holder whose lock was taken over learns it and leaves it alone', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const lost: LockState[] = [];
    const lock = acquireLock(file, 'demo', { now: () => now, onLost: (s) => lost.push(s) });
    now += 5_000;
    expect(lock.beat()).toBe(true);
    expect(read()).toMatchObject({ token: lock.owner.token, heartbeatAt: '2026-01-01T00:00:05.000Z' });

    const successor = owner({ token: 'successor' });
    write(successor);
    expect(lock.beat()).toBe(false);
    expect(lost).toEqual([{ state: 'held', owner: successor }]);
    lock.release();
    expect(read()).toEqual(successor);
  });

  it('of several processes racing for a stale lock, exactly one gets it (40 rounds)', async () => {
    const stale = owner({ pid: await deadPid() });
    const contenders = Array.from({ length: 6 }, () => contender(file));
    const all = (line: string) => {
      for (const c of contenders) c.child.stdin!.write(`${line}\n`);
      return Promise.all(contenders.map((c) => c.next()));
    };
    try {
      await Promise.all(contenders.map((c) => c.next()));
      for (let round = 0; round < 40; round++) {
        write(stale);
        const outcomes = await all('go');
        expect(
          outcomes.filter((o) => o === 'held'),
          `round ${round}`,
        ).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'CONNECTOR_RUNNING')).toHaveLength(contenders.length - 1);
        expect(read().pid).toBe(contenders[outcomes.indexOf('held')]!.child.pid);
        await all('release');
        expect(inspectLock(file)).toEqual({ state: 'free' });
      }
    } finally {
      for (const c of contenders) c.child.stdin!.end();
      await Promise.all(contenders.map((c) => c.exited));
    }
    expect(leftovers()).toEqual([]);
  }, 60_000);
});

/**
 * A separate process that says `ready`, then on each `go` tries the lock and says `held` or the
 * error code, and on each `release` lets go of what it holds and says `released`.
 */
function contender(file: string): { child: ChildProcess; next(): Promise<string>; exited: Promise<unknown> } {
  const code = `
    import readline from 'node:readline';
    const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    const lines = readline.createInterface({ input: process.stdin });
    console.log('ready');
    let lock;
    for await (const line of lines) {
      if (line === 'go') {
        try { lock = acquireLock(${JSON.stringify(file)}, 'demo'); console.log('held'); }
        catch (e) { console.log(e.code ?? e.message); }
      } else if (line === 'release') {
        lock?.release();
        lock = undefined;
        console.log('released');
      }
    }
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    next: async () => String((await lines.next()).value),
    exited: once(child, 'exit'),
  };
}
