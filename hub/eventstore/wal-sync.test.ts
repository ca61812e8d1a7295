import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../kernel/errors/index.js';
import type { RecordedEvent } from '../kernel/event-store.js';
import { silentLogger, tempDir } from '../testing/temp.js';
import { testEvent, uniqueStream } from './conformance.js';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite.js';

type Flush = (error: NodeJS.ErrnoException | null) => void;

/**
 * Holds back every fdatasync of the -wal file until released, so a test sees what the store does
 * between COMMIT and the flush. The flush itself is the real one.
 */
function holdWalFlushes(walFile: string) {
  const real = fs.fdatasync;
  const held: (() => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let failWith: NodeJS.ErrnoException | undefined;
  const spy = vi.spyOn(fs, 'fdatasync').mockImplementation(((fd: number, done: Flush) => {
    expect(fs.readlinkSync(`/proc/self/fd/${fd}`)).toBe(walFile);
    held.push(() => (failWith ? done(failWith) : real(fd, done)));
    for (const w of waiters.filter((w) => held.length >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  }) as typeof fs.fdatasync);
  return {
    held: () => held.length,
    /** Resolves once `count` flushes are held back. */
    whenHeld: (count: number) =>
      held.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    release: () => {
      for (const go of held.splice(0)) go();
    },
    fail: (code: string) => {
      failWith = Object.assign(new Error(`${code}: i/o error, fdatasync`), { code });
    },
    restore: () => spy.mockRestore(),
  };
}

/**
 * Whether the promise has settled after a few turns of the event loop: the store commits in a
 * setImmediate, so by then every commit asked for has run, whatever the machine's speed.
 */
const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let turn = 0; turn < 5; turn++) await new Promise((r) => setImmediate(r));
  return done;
};

describe('sqlite event store: commits are acknowledged after the WAL flush', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  let file: string;
  let hold: ReturnType<typeof holdWalFlushes>;
  beforeEach(async () => {
    tmp = tempDir();
    file = path.join(tmp.dir, 'events.db');
    store = await openSqliteEventStore({ file, logger: silentLogger() });
    // The first commit creates the -wal file the flushes are checked against.
    await store.append(uniqueStream(), [testEvent('TestHappened')], { expectedRevision: 'no_stream' });
    hold = holdWalFlushes(fs.realpathSync(`${file}-wal`));
  });
  afterEach(async () => {
    hold.release();
    hold.restore();
    await store.close();
    tmp.remove();
  });

  it('does not acknowledge an append until its flush has completed', async () => {
    const stream = uniqueStream();
    const append = store.append(stream, [testEvent('TestHappened')], { expectedRevision: 'no_stream' });
    await hold.whenHeld(1);
    expect(await settled(append)).toBe(false);
    expect(hold.held()).toBe(1);
    hold.release();
    await expect(append).resolves.toMatchObject({ nextExpectedRevision: 0, written: true });
  });

  it('gathers the commits made while a flush is in flight into the next flush', async () => {
    const first = store.append(uniqueStream(), [testEvent('TestHappened')], {
      expectedRevision: 'no_stream',
    });
    await hold.whenHeld(1);
    expect(await settled(first)).toBe(false);
    const later = [1, 2, 3].map(() =>
      store.append(uniqueStream(), [testEvent('TestHappened')], { expectedRevision: 'no_stream' }),
    );
    expect(await settled(Promise.all(later))).toBe(false);
    expect(hold.held()).toBe(1);
    hold.release();
    await first;
    // Three commits after the first flush started: one more flush covers them all.
    await hold.whenHeld(1);
    expect(await settled(Promise.all(later))).toBe(false);
    hold.release();
    await expect(Promise.all(later)).resolves.toHaveLength(3);
  });

  it('delivers an event to subscriptions only once it is durable', async () => {
    const stream = uniqueStream('durable');
    const sub = store.subscribeToAll({ filter: { streamPrefixes: ['durable-'] } });
    const received: RecordedEvent[] = [];
    const reading = (async () => {
      for await (const e of sub) {
        received.push(e);
        if (received.length === 1) return;
      }
    })();
    await sub.caughtUp;
    const append = store.append(stream, [testEvent('TestHappened')], { expectedRevision: 'no_stream' });
    await hold.whenHeld(1);
    await settled(append);
    // Readable by the store's own reads, but not handed to a read model yet.
    expect((await store.readStream(stream)).length).toBe(1);
    expect(received).toHaveLength(0);
    hold.release();
    await append;
    await reading;
    expect(received.map((e) => e.stream)).toEqual([stream]);
    await sub.close();
  });

  it('fails the appends of a commit whose flush failed, and a retry of them is an identical retry', async () => {
    hold.fail('EIO');
    const stream = uniqueStream();
    const event = testEvent('TestHappened');
    const append = store.append(stream, [event], { expectedRevision: 'no_stream' });
    await hold.whenHeld(1);
    hold.release();
    await expect(append).rejects.toThrowError(StoreUnavailableError);
    await expect(append).rejects.toThrow(/could not be made durable \(EIO\)/);
    hold.restore();
    await expect(store.append(stream, [event], { expectedRevision: 'no_stream' })).resolves.toMatchObject({
      nextExpectedRevision: 0,
      written: false,
    });
  });
});
