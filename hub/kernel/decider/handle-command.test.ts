import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteEventStore, type SqliteEventStore } from '../../eventstore/sqlite.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import { fixedClock } from '../clock.js';
import { defineError, WrongExpectedRevisionError } from '../errors/index.js';
import type { EventData } from '../event-store.js';
import { sequentialIds } from '../ids.js';
import { type Command, type Decider, eventOf, newCommandMeta } from './decider.js';
import { aggregateStream, handleCommand, StreamStateCache } from './handle-command.js';

// A queue with a capacity: each newcomer gets the next place, so a decision taken on a stale state
// would give two people the same place.
class QueueFullError extends defineError({
  code: 'QUEUE_FULL',
  status: 409,
  args: (capacity: number) => ({ capacity }),
  message: (d) => `the queue holds ${d.capacity} people already`,
}) {}
type Joined = EventData<'Joined', { who: string; place: number }>;
type Join = Command<'Join', { who: string; capacity: number }>;
type Queue = { people: string[] };
const queue: Decider<Join, Queue, Joined> = {
  initialState: () => ({ people: [] }),
  evolve: (state, event) => ({ people: [...state.people, event.data.who] }),
  decide: ({ data, meta }, state) => {
    if (state.people.includes(data.who)) return [];
    if (state.people.length >= data.capacity) throw new QueueFullError(data.capacity);
    return [eventOf(meta, 'Joined', { who: data.who, place: state.people.length + 1 })];
  },
};

const NS = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const ids = sequentialIds(NS);
const issuer = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c-1' };
const join = (who: string, capacity = 10): Join => ({
  type: 'Join',
  data: { who, capacity },
  meta: newCommandMeta(issuer, fixedClock('2026-12-01T00:00:00Z'), ids),
});
const STREAM = 'queue-1';

let temp: ReturnType<typeof tempDir>;
let store: SqliteEventStore;
beforeEach(async () => {
  temp = tempDir();
  store = await openSqliteEventStore({ file: path.join(temp.dir, 'events.db'), logger: silentLogger() });
});
afterEach(async () => {
  await store.close();
  temp.remove();
});

const places = async () =>
  (await store.readStream(STREAM)).map((e) => [
    e.revision,
    (e.data as Joined['data']).who,
    (e.data as Joined['data']).place,
  ]);

/** A command that lets another writer append `intruder` right after the read, once per name given. */
function withIntruders(command: Join, ...intruders: string[]) {
  let decisions = 0;
  const run = async () =>
    handleCommand(store, STREAM, queue, (state: Queue) => {
      decisions++;
      const intruder = intruders.shift();
      if (intruder) {
        // queued before our append, so it commits first and our expected revision is stale
        void store.append(
          STREAM,
          [{ ...eventOf(join(intruder).meta, 'Joined', { who: intruder, place: state.people.length + 1 }) }],
          {
            expectedRevision: state.people.length === 0 ? 'no_stream' : state.people.length - 1,
          },
        );
      }
      return command;
    });
  return { run, decisions: () => decisions };
}

describe('handleCommand', () => {
  it('appends to a new stream expecting no_stream, then after its last revision', async () => {
    const first = await handleCommand(store, STREAM, queue, join('an'));
    expect(first.events.map((e) => e.data)).toEqual([{ who: 'an', place: 1 }]);
    expect(first.state).toEqual({ people: ['an'] });
    expect(first.nextExpectedRevision).toBe(0);
    expect(first.position).toBe(1);
    const second = await handleCommand(store, STREAM, queue, join('binh'));
    expect([second.nextExpectedRevision, second.position]).toEqual([1, 2]);
    expect(await places()).toEqual([
      [0, 'an', 1],
      [1, 'binh', 2],
    ]);
  });

  it('writes nothing when the decision is empty, and reports the revision to expect', async () => {
    await handleCommand(store, STREAM, queue, join('an'));
    const again = await handleCommand(store, STREAM, queue, join('an'));
    expect(again).toEqual({
      events: [],
      state: { people: ['an'] },
      nextExpectedRevision: 0,
      position: undefined,
    });
    expect((await store.info()).lastPosition).toBe(1);
    const none = await handleCommand(store, 'queue-2', queue, () => join('an', 0)).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(QueueFullError);
    await expect(store.readStream('queue-2')).rejects.toThrow(/not found/);
  });

  it('re-reads and decides again when another writer appended between read and append', async () => {
    const handler = withIntruders(join('chi'), 'an');
    const result = await handler.run();
    expect(handler.decisions()).toBe(2);
    expect(result.events.map((e) => e.data)).toEqual([{ who: 'chi', place: 2 }]);
    expect(result.nextExpectedRevision).toBe(1);
    expect(await places()).toEqual([
      [0, 'an', 1],
      [1, 'chi', 2],
    ]);
  });

  it('lets the decision made on the new state refuse the command', async () => {
    const handler = withIntruders(join('chi', 1), 'an');
    await expect(handler.run()).rejects.toBeInstanceOf(QueueFullError);
    expect(handler.decisions()).toBe(2);
    expect(await places()).toEqual([[0, 'an', 1]]);
  });

  it('gives up after the bounded number of attempts with the conflict', async () => {
    const handler = withIntruders(join('dung'), 'an', 'binh', 'chi');
    const error = await handler.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(handler.decisions()).toBe(3);
    expect((error as WrongExpectedRevisionError).stream).toBe(STREAM);
    expect((await places()).map(([, who]) => who)).toEqual(['an', 'binh', 'chi']);

    let once = 0;
    const single = handleCommand(
      store,
      STREAM,
      queue,
      (state) => {
        once++;
        void store.append(STREAM, [eventOf(join('em').meta, 'Joined', { who: 'em', place: 4 })], {
          expectedRevision: state.people.length - 1,
        });
        return join('giang');
      },
      { maxAttempts: 1 },
    );
    await expect(single).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(once).toBe(1);
  });

  it('serialises two concurrent handlers on one stream: both land, each on the state before it', async () => {
    const [a, b] = await Promise.all([
      handleCommand(store, STREAM, queue, join('an')),
      handleCommand(store, STREAM, queue, join('binh')),
    ]);
    expect([a.events.length, b.events.length]).toEqual([1, 1]);
    const rows = await places();
    expect(rows.map(([revision, , place]) => [revision, place])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(rows.map(([, who]) => who).sort()).toEqual(['an', 'binh']);
  });
});

describe('aggregateStream', () => {
  it('folds the stream, or gives the initial state of a stream never written', async () => {
    expect(await aggregateStream(store, STREAM, queue)).toEqual({
      state: { people: [] },
      expectedRevision: 'no_stream',
      events: [],
    });
    await handleCommand(store, STREAM, queue, join('an'));
    const loaded = await aggregateStream(store, STREAM, queue);
    expect([loaded.state, loaded.expectedRevision, loaded.events.length]).toEqual([{ people: ['an'] }, 0, 1]);
  });
});

describe('StreamStateCache', () => {
  it('folds from the cached state, reading only the events appended since', async () => {
    const cache = new StreamStateCache<Queue>();
    await handleCommand(store, STREAM, queue, join('an'), { cache });
    expect(cache.get(STREAM)).toEqual({ state: { people: ['an'] }, revision: 0 });
    // another writer appends without the cache: the next read folds its event onto the cached state
    await handleCommand(store, STREAM, queue, join('binh'));
    const loaded = await aggregateStream(store, STREAM, queue, cache);
    expect(loaded.events.map((e) => (e.data as Joined['data']).who)).toEqual(['binh']);
    expect([loaded.state, loaded.expectedRevision]).toEqual([{ people: ['an', 'binh'] }, 1]);
  });

  it('still decides again on the new state when another writer appended between read and append', async () => {
    const cache = new StreamStateCache<Queue>();
    await handleCommand(store, STREAM, queue, join('an'), { cache });
    let decisions = 0;
    const result = await handleCommand(
      store,
      STREAM,
      queue,
      (state: Queue) => {
        if (decisions++ === 0) {
          void store.append(STREAM, [eventOf(join('binh').meta, 'Joined', { who: 'binh', place: 2 })], {
            expectedRevision: state.people.length - 1,
          });
        }
        return join('chi');
      },
      { cache },
    );
    expect(decisions).toBe(2);
    expect(result.events.map((e) => e.data)).toEqual([{ who: 'chi', place: 3 }]);
    expect(cache.get(STREAM)).toEqual({ state: { people: ['an', 'binh', 'chi'] }, revision: 2 });
    expect((await places()).map(([, who, place]) => [who, place])).toEqual([
      ['an', 1],
      ['binh', 2],
      ['chi', 3],
    ]);
  });

  it('keeps the newest state of each stream and drops the least recently used past its size', () => {
    const cache = new StreamStateCache<Queue>(2);
    cache.set('a', { people: ['x'] }, 3);
    cache.set('a', { people: [] }, 1);
    expect(cache.get('a')?.revision).toBe(3);
    cache.set('b', { people: [] }, 0);
    cache.get('a');
    cache.set('c', { people: [] }, 0);
    expect([cache.get('a')?.revision, cache.get('b'), cache.get('c')?.revision]).toEqual([3, undefined, 0]);
  });
});
