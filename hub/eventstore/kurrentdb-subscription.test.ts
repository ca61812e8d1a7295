import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../kernel/errors/index.js';
import type { RecordedEvent } from '../kernel/event-store.js';
import { QueueSubscription, type SubscriptionSource } from './kurrentdb-subscription.js';

type Handlers = Parameters<SubscriptionSource['start']>[0];

/** A source driven by the test: it pushes what the KurrentDB client would emit. */
function scriptedSource() {
  let handlers: Handlers | undefined;
  const state = { stopped: false, paused: false };
  const source: SubscriptionSource = {
    start(h) {
      handlers = h;
    },
    pause() {
      state.paused = true;
    },
    resume() {
      state.paused = false;
    },
    async stop() {
      state.stopped = true;
    },
  };
  const push = (position: number) =>
    handlers?.onEvent({
      id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type: 'ConsentGranted',
      data: {},
      metadata: {
        occurredAt: '2026-11-22T03:00:00.000Z',
        actor: { kind: 'system', id: 'hub' },
        correlationId: 'c',
        causationId: null,
        schemaVersion: 1,
      },
      stream: 'consent-1',
      revision: position - 1,
      position,
      recordedAt: '2026-11-22T03:00:00.000Z',
    });
  return { source, state, push, handlers: () => handlers as Handlers };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function take(iterator: AsyncIterator<RecordedEvent>, n: number): Promise<number[]> {
  const positions: number[] = [];
  while (positions.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    positions.push(next.value.position);
  }
  return positions;
}

describe('QueueSubscription', () => {
  it('hands out events in order and resolves caughtUp only after the events before the signal', async () => {
    const s = scriptedSource();
    const sub = new QueueSubscription(s.source);
    let caughtUp = false;
    void sub.caughtUp.then(() => {
      caughtUp = true;
    });
    s.push(10);
    s.push(20);
    s.handlers().onCaughtUp();
    await settle();
    await settle();
    expect(caughtUp).toBe(false);
    const iterator = sub[Symbol.asyncIterator]();
    expect(await take(iterator, 1)).toEqual([10]);
    await settle();
    expect(caughtUp).toBe(false);
    expect(await take(iterator, 1)).toEqual([20]);
    await settle();
    expect(caughtUp).toBe(true);
    s.push(30);
    expect(await take(iterator, 1)).toEqual([30]);
    await sub.close();
    expect(s.state.stopped).toBe(true);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('resolves caughtUp at once when nothing is waiting to be handed out', async () => {
    const s = scriptedSource();
    const sub = new QueueSubscription(s.source);
    s.handlers().onCaughtUp();
    await expect(sub.caughtUp).resolves.toBeUndefined();
    await sub.close();
  });

  it('delivers live events to a consumer that is already waiting', async () => {
    const s = scriptedSource();
    const sub = new QueueSubscription(s.source);
    const received = take(sub[Symbol.asyncIterator](), 2);
    await settle();
    s.push(1);
    s.push(2);
    expect(await received).toEqual([1, 2]);
    await sub.close();
  });

  it('fails the iteration and caughtUp when the source fails, then stops the source', async () => {
    const s = scriptedSource();
    const sub = new QueueSubscription(s.source);
    s.push(5);
    s.handlers().onError(new StoreUnavailableError('connection lost'));
    await expect(sub.caughtUp).rejects.toBeInstanceOf(StoreUnavailableError);
    const iterator = sub[Symbol.asyncIterator]();
    expect(await take(iterator, 1)).toEqual([5]);
    await expect(iterator.next()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(s.state.stopped).toBe(true);
  });

  it('ends a waiting consumer when closed and calls the close hook once', async () => {
    const s = scriptedSource();
    let hooks = 0;
    const sub = new QueueSubscription(s.source, () => {
      hooks += 1;
    });
    const pending = sub[Symbol.asyncIterator]().next();
    await settle();
    await sub.close();
    await sub.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(hooks).toBe(1);
  });

  it('pauses the source while the consumer is far behind and resumes it once drained', async () => {
    const s = scriptedSource();
    const sub = new QueueSubscription(s.source);
    for (let position = 1; position < 1000; position++) s.push(position);
    expect(s.state.paused).toBe(false);
    s.push(1000);
    expect(s.state.paused).toBe(true);
    const iterator = sub[Symbol.asyncIterator]();
    const first = await take(iterator, 899);
    expect(first.at(-1)).toBe(899);
    expect(s.state.paused).toBe(true);
    await take(iterator, 1);
    expect(s.state.paused).toBe(false);
    await sub.close();
  });
});
