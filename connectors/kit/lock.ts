import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConnectorBusyError } from '../../hub/kernel/errors/index.js';

/** What the lock file holds: who runs the connector, and when it last said it was alive. */
export interface LockOwner {
  pid: number;
  host: string;
  /** Unique per acquisition: tells this holder's lock from a later one of the same process. */
  token: string;
  startedAt: string;
  heartbeatAt: string;
}

export type LockState =
  | { state: 'free' }
  | { state: 'held'; owner: LockOwner }
  /** Left by a process that is gone (same host) or stopped beating: the next acquirer takes it over. */
  | { state: 'stale'; owner: LockOwner; reason: 'process gone' | 'no heartbeat' };

export interface LockTiming {
  /** How often a holder refreshes its heartbeat. Default 5 s. */
  heartbeatMs?: number;
  /** A heartbeat older than this marks the lock stale, whatever its pid. Default 60 s. */
  staleMs?: number;
  now?: () => number;
}

export interface RunLock {
  readonly owner: LockOwner;
  /** Refreshes the heartbeat (the timer does it every `heartbeatMs`); false once the lock is lost. */
  beat(): boolean;
  /** Removes the lock if it is still this holder's. */
  release(): void;
}

const HEARTBEAT_MS = 5_000;
const STALE_MS = 60_000;
const HOST = os.hostname();

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
};

const code = (e: unknown) => (e as { code?: string }).code;

/** The lock file's owner; a file written by an older version (a bare pid) or torn mid-write still gets one. */
function readOwner(file: string): { owner: LockOwner; raw: string } | undefined {
  let raw: string;
  let mtime: Date;
  try {
    raw = fs.readFileSync(file, 'utf8');
    mtime = fs.statSync(file).mtime;
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const owner = JSON.parse(raw) as LockOwner;
    if (Number.isInteger(owner.pid) && typeof owner.host === 'string' && typeof owner.token === 'string')
      return { owner, raw };
  } catch {}
  const pid = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : 0;
  const at = mtime.toISOString();
  return { owner: { pid, host: HOST, token: raw, startedAt: at, heartbeatAt: at }, raw };
}

function stateOf(owner: LockOwner, timing: LockTiming): LockState {
  const now = (timing.now ?? Date.now)();
  const beat = Date.parse(owner.heartbeatAt);
  if (!(now - beat <= (timing.staleMs ?? STALE_MS))) return { state: 'stale', owner, reason: 'no heartbeat' };
  if (owner.host === HOST && !(owner.pid > 0 && alive(owner.pid)))
    return { state: 'stale', owner, reason: 'process gone' };
  return { state: 'held', owner };
}

/** Whether the connector's run lock is free, held by a live process, or left stale by a dead one. */
export function inspectLock(file: string, timing: LockTiming = {}): LockState {
  const found = readOwner(file);
  return found ? stateOf(found.owner, timing) : { state: 'free' };
}

/**
 * Runs `work` holding the takeover guard, a file created O_EXCL next to the lock: every change to
 * an existing lock file (a takeover, a heartbeat, a release) happens under it, so they never
 * interleave. Undefined when another process holds the guard. A guard older than `staleMs` was left
 * by a process that died in those few system calls; it is renamed aside (atomic), checked to be the
 * one judged old and removed.
 */
function underGuard<T>(file: string, token: string, timing: LockTiming, work: () => T): T | undefined {
  const guard = `${file}.guard`;
  try {
    fs.writeFileSync(guard, token, { flag: 'wx' });
  } catch (e) {
    if (code(e) !== 'EEXIST') throw e;
    let left: string;
    try {
      left = fs.readFileSync(guard, 'utf8');
      if ((timing.now ?? Date.now)() - fs.statSync(guard).mtimeMs <= (timing.staleMs ?? STALE_MS)) return;
    } catch (err) {
      if (code(err) === 'ENOENT') return;
      throw err;
    }
    const aside = `${guard}.${token}`;
    try {
      fs.renameSync(guard, aside);
      if (fs.readFileSync(aside, 'utf8') !== left) fs.linkSync(aside, guard);
    } catch (err) {
      if (code(err) !== 'ENOENT' && code(err) !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(aside, { force: true });
    }
    return;
  }
  try {
    return work();
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/**
 * Takes the connector's run lock: a file holding the owner's pid, host and a heartbeat the owner
 * refreshes every `heartbeatMs`. A free lock is created with link(2), which fails if the file
 * exists, so of two processes only one creates it. A stale lock (its process gone on this host, or
 * no heartbeat for `staleMs`) is removed under the takeover guard, and only if it still holds what
 * was judged stale; the new holder then reads the lock back to be sure it is its own. Throws
 * ConnectorBusyError while a live process holds it (or is taking it over). `onLost` is told when
 * a heartbeat finds the lock is no longer this holder's (it stopped beating long enough to be taken
 * over): the run must stop.
 */
export function acquireLock(
  file: string,
  connector: string,
  options: LockTiming & { onLost?: (now: LockState) => void } = {},
): RunLock {
  const now = options.now ?? Date.now;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const at = new Date(now()).toISOString();
  const owner: LockOwner = {
    pid: process.pid,
    host: HOST,
    token: randomUUID(),
    startedAt: at,
    heartbeatAt: at,
  };
  const mine = `${file}.${owner.token}`;
  fs.writeFileSync(mine, JSON.stringify(owner), { flag: 'wx' });
  let last: LockState = { state: 'free' };
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(mine, file);
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e;
        const found = readOwner(file);
        if (!found) continue;
        last = stateOf(found.owner, options);
        if (last.state === 'held') throw new ConnectorBusyError(connector, last.owner.pid);
        const removed = underGuard(file, owner.token, options, () => {
          if (readOwner(file)?.raw === found.raw) fs.rmSync(file, { force: true });
          return true;
        });
        if (!removed) throw new ConnectorBusyError(connector, found.owner.pid);
        continue;
      }
      if (readOwner(file)?.owner.token === owner.token) return hold(file, owner, options);
    }
  } finally {
    fs.rmSync(mine, { force: true });
  }
  throw new ConnectorBusyError(connector, last.state === 'free' ? -1 : last.owner.pid);
}

function hold(file: string, owner: LockOwner, options: LockTiming & { onLost?: (now: LockState) => void }) {
  const now = options.now ?? Date.now;
  let held = true;
  const ours = () => readOwner(file)?.owner.token === owner.token;
  const lose = () => {
    held = false;
    clearInterval(timer);
    options.onLost?.(inspectLock(file, options));
  };
  const lock: RunLock = {
    owner,
    beat() {
      if (!held) return false;
      const beaten = underGuard(file, owner.token, options, () => {
        if (!ours()) return false;
        // Written beside and renamed over, so a reader never sees half a file.
        const tmp = `${file}.${owner.token}.beat`;
        fs.writeFileSync(tmp, JSON.stringify({ ...owner, heartbeatAt: new Date(now()).toISOString() }));
        fs.renameSync(tmp, file);
        return true;
      });
      // A busy guard is someone else's takeover attempt: they find the lock fresh, or this was lost.
      if (beaten === false || (beaten === undefined && !ours())) lose();
      return held;
    },
    release() {
      clearInterval(timer);
      if (!held) return;
      held = false;
      for (let i = 0; i < 50; i++) {
        const done = underGuard(file, owner.token, options, () => {
          if (ours()) fs.rmSync(file, { force: true });
          return true;
        });
        if (done) return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    },
  };
  const timer = setInterval(() => lock.beat(), options.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();
  return lock;
}
