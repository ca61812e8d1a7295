import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EventIdConflictError,
  InvalidStreamNameError,
  StoreClosedError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import type { EventData, EventStore, RecordedEvent } from '../kernel/event-store.js';
import { appendManyConformance } from './conformance-append-many.js';

export interface ConformanceSubject {
  store: EventStore;
  /** Called after each test; closes the store and removes what it created. */
  cleanup(): Promise<void>;
}

/** A unique stream name, so the suite also runs against a shared server. */
export const uniqueStream = (category = 'test') => `${category}-${randomUUID().replaceAll('-', '')}`;

export function testEvent(type = 'TestHappened', data: Record<string, unknown> = {}): EventData {
  return {
    id: randomUUID(),
    type,
    data: { n: 0, ...data },
    metadata: {
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: { kind: 'system', id: 'conformance-suite' },
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

const batch = (n: number, type = 'TestHappened') =>
  Array.from({ length: n }, (_, i) => testEvent(type, { n: i }));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

async function take(
  iterable: AsyncIterable<RecordedEvent>,
  n: number,
  accept: (e: RecordedEvent) => boolean,
) {
  const out: RecordedEvent[] = [];
  for await (const e of iterable) {
    if (accept(e)) out.push(e);
    if (out.length >= n) break;
  }
  return out;
}

/**
 * The behaviour every EventStore backend must show. Call it from a `*.test.ts` file with a factory
 * that opens a store; stream names are unique per test so a shared server is fine.
 */
export function eventStoreConformance(backend: string, open: () => Promise<ConformanceSubject>): void {
  describe(`event store conformance: ${backend}`, () => {
    let subject: ConformanceSubject;
    let store: EventStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describe('append with an expected revision', () => {
      it('creates a stream expecting no_stream and reports the next revision and position', async () => {
        const s = uniqueStream();
        const r = await store.append(s, batch(3), { expectedRevision: 'no_stream' });
        expect(r.nextExpectedRevision).toBe(2);
        expect(r.written).toBe(true);
        const events = await store.readStream(s);
        expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
        expect(events[2]!.position).toBe(r.position);
        expect(events[0]!.stream).toBe(s);
        expect(events[0]!.metadata.actor).toEqual({ kind: 'system', id: 'conformance-suite' });
        expect(Number.isNaN(Date.parse(events[0]!.recordedAt))).toBe(false);
      });

      it('appends at the exact revision and rejects a stale one, naming stream, expected and actual', async () => {
        const s = uniqueStream();
        await store.append(s, batch(2), { expectedRevision: 'no_stream' });
        await store.append(s, batch(1), { expectedRevision: 1 });
        const err = await rejection(store.append(s, batch(1), { expectedRevision: 1 }));
        expect(err).toBeInstanceOf(WrongExpectedRevisionError);
        expect(err).toMatchObject({
          stream: s,
          expected: 1,
          actual: 2,
          code: 'EVENTSTORE_WRONG_EXPECTED_REVISION',
        });
        expect((await store.readStream(s)).length).toBe(3);
      });

      it('rejects no_stream on an existing stream and stream_exists on a missing one', async () => {
        const s = uniqueStream();
        const missing = await rejection(store.append(s, batch(1), { expectedRevision: 'stream_exists' }));
        expect(missing).toMatchObject({ stream: s, expected: 'stream_exists', actual: 'no_stream' });
        await store.append(s, batch(1), { expectedRevision: 'no_stream' });
        const exists = await rejection(store.append(s, batch(1), { expectedRevision: 'no_stream' }));
        expect(exists).toMatchObject({ stream: s, expected: 'no_stream', actual: 0 });
        await store.append(s, batch(1), { expectedRevision: 'stream_exists' });
        expect((await store.readStream(s)).length).toBe(2);
      });

      it('rejects an exact revision on a missing stream', async () => {
        const s = uniqueStream();
        const err = await rejection(store.append(s, batch(1), { expectedRevision: 0 }));
        expect(err).toMatchObject({ stream: s, expected: 0, actual: 'no_stream' });
      });

      it('rejects stream names that are not <category>-<id>', async () => {
        for (const bad of ['', 'nodash', '$system-1', 'Upper-1', 'with space-1']) {
          expect(
            await rejection(store.append(bad, batch(1), { expectedRevision: 'no_stream' })),
          ).toBeInstanceOf(InvalidStreamNameError);
        }
      });

      it('serialises concurrent appends to one stream: exactly one of two racing writers wins', async () => {
        const s = uniqueStream();
        await store.append(s, batch(1), { expectedRevision: 'no_stream' });
        const results = await Promise.allSettled([
          store.append(s, batch(1), { expectedRevision: 0 }),
          store.append(s, batch(1), { expectedRevision: 0 }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(failed.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(s)).length).toBe(2);
      });
    });

    describe('idempotency by event id', () => {
      it('acknowledges an identical retry without writing anything', async () => {
        const s = uniqueStream();
        const events = batch(3);
        const first = await store.append(s, events, { expectedRevision: 'no_stream' });
        const retry = await store.append(s, events, { expectedRevision: 'no_stream' });
        expect(retry).toEqual({ ...first, written: false });
        expect((await store.readStream(s)).length).toBe(3);
        const again = await store.append(s, batch(1), { expectedRevision: 2 });
        expect(again.nextExpectedRevision).toBe(3);
      });

      it('refuses a retry that reuses an event id with different content', async () => {
        const s = uniqueStream();
        const [e] = batch(1);
        await store.append(s, [e!], { expectedRevision: 'no_stream' });
        const changed = { ...e!, data: { n: 42 } };
        const err = await rejection(store.append(s, [changed], { expectedRevision: 'no_stream' }));
        expect(err).toBeInstanceOf(EventIdConflictError);
        expect(err).toMatchObject({ eventId: e!.id, code: 'EVENTSTORE_EVENT_ID_CONFLICT' });
        expect((await store.readStream(s)).length).toBe(1);
      });

      it('acknowledges a retried stream_exists append found at the tail', async () => {
        const s = uniqueStream();
        await store.append(s, batch(1), { expectedRevision: 'no_stream' });
        const events = batch(2);
        const first = await store.append(s, events, { expectedRevision: 'stream_exists' });
        const retry = await store.append(s, events, { expectedRevision: 'stream_exists' });
        expect(retry).toEqual({ ...first, written: false });
        expect((await store.readStream(s)).length).toBe(3);
      });

      it('refuses a retry whose append was stored with other events', async () => {
        const s = uniqueStream();
        const [a, b] = batch(2);
        await store.append(s, [a!, b!], { expectedRevision: 'no_stream' });
        const err = await rejection(store.append(s, [a!, testEvent()], { expectedRevision: 'no_stream' }));
        expect(err).toBeInstanceOf(EventIdConflictError);
        expect((await store.readStream(s)).length).toBe(2);
      });
    });

    describe('reading a stream', () => {
      it('reads forwards and backwards from a revision with a max count', async () => {
        const s = uniqueStream();
        await store.append(s, batch(10), { expectedRevision: 'no_stream' });
        const fwd = await store.readStream(s, { fromRevision: 3, maxCount: 4 });
        expect(fwd.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
        const back = await store.readStream(s, { direction: 'backwards', maxCount: 3 });
        expect(back.map((e) => e.revision)).toEqual([9, 8, 7]);
        const backFrom = await store.readStream(s, { direction: 'backwards', fromRevision: 2 });
        expect(backFrom.map((e) => e.revision)).toEqual([2, 1, 0]);
      });

      it('throws StreamNotFoundError for a stream never written', async () => {
        const s = uniqueStream();
        const err = await rejection(store.readStream(s));
        expect(err).toBeInstanceOf(StreamNotFoundError);
        expect(err).toMatchObject({ stream: s });
      });
    });

    describe('reading all', () => {
      it('returns every committed event in strictly increasing position order after a checkpoint', async () => {
        const start = (await store.info()).lastPosition;
        const a = uniqueStream('alpha');
        const b = uniqueStream('beta');
        await store.append(a, batch(2), { expectedRevision: 'no_stream' });
        await store.append(b, batch(2), { expectedRevision: 'no_stream' });
        await store.append(a, batch(1), { expectedRevision: 1 });
        const all = (await store.readAll({ fromPosition: start })).filter(
          (e) => e.stream === a || e.stream === b,
        );
        expect(all.map((e) => `${e.stream === a ? 'a' : 'b'}${e.revision}`)).toEqual([
          'a0',
          'a1',
          'b0',
          'b1',
          'a2',
        ]);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
        const after = await store.readAll({ fromPosition: all[2]!.position });
        expect(after.filter((e) => e.stream === a || e.stream === b).map((e) => e.revision)).toEqual([1, 2]);
        expect((await store.info()).lastPosition).toBe(all[4]!.position);
      });

      it('reads backwards and filters by stream prefix and event type', async () => {
        const category = `cat${randomUUID().slice(0, 8)}`;
        const s = uniqueStream(category);
        await store.append(s, [...batch(2, 'Kept'), ...batch(2, 'Dropped')], {
          expectedRevision: 'no_stream',
        });
        const byPrefix = await store.readAll({ filter: { streamPrefixes: [`${category}-`] } });
        expect(byPrefix.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
        const byType = await store.readAll({
          filter: { streamPrefixes: [`${category}-`], eventTypes: ['Kept'] },
        });
        expect(byType.map((e) => e.type)).toEqual(['Kept', 'Kept']);
        const back = await store.readAll({ direction: 'backwards', maxCount: 2 });
        expect(back.map((e) => e.revision)).toEqual([3, 2]);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers stored events after the checkpoint, reports caught up, then goes live', async () => {
        const s = uniqueStream();
        await store.append(s, batch(3), { expectedRevision: 'no_stream' });
        const [first] = await store.readStream(s, { maxCount: 1 });
        const sub = store.subscribeToAll({ fromPosition: first!.position });
        const received = take(sub, 4, (e) => e.stream === s);
        await sub.caughtUp;
        await store.append(s, batch(2), { expectedRevision: 2 });
        const events = await received;
        expect(events.map((e) => e.revision)).toEqual([1, 2, 3, 4]);
        await sub.close();
      });

      it('applies the filter and stops cleanly on close', async () => {
        const category = `sub${randomUUID().slice(0, 8)}`;
        const s = uniqueStream(category);
        const start = (await store.info()).lastPosition;
        const sub = store.subscribeToAll({
          fromPosition: start,
          filter: { streamPrefixes: [`${category}-`] },
        });
        const received = take(sub, 2, () => true);
        await store.append(uniqueStream('other'), batch(2), { expectedRevision: 'no_stream' });
        await store.append(s, batch(2), { expectedRevision: 'no_stream' });
        expect((await received).map((e) => e.stream)).toEqual([s, s]);
        await sub.close();
        const late = [];
        for await (const e of sub) late.push(e);
        expect(late).toEqual([]);
      });
    });

    describe('stream metadata and retention', () => {
      it('hides events before truncateBefore and keeps the revision sequence', async () => {
        const s = uniqueStream();
        await store.append(s, batch(5), { expectedRevision: 'no_stream' });
        expect((await store.getStreamMetadata(s)).metadataRevision).toBe(-1);
        await store.setStreamMetadata(s, { truncateBefore: 3, custom: { retention: 'test' } });
        const meta = await store.getStreamMetadata(s);
        expect(meta.metadata).toMatchObject({ truncateBefore: 3, custom: { retention: 'test' } });
        expect(meta.metadataRevision).toBe(0);
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([3, 4]);
        const r = await store.append(s, batch(1), { expectedRevision: 4 });
        expect(r.nextExpectedRevision).toBe(5);
      });

      it('keeps only the newest maxCount events readable', async () => {
        const s = uniqueStream();
        await store.append(s, batch(5), { expectedRevision: 'no_stream' });
        await store.setStreamMetadata(s, { maxCount: 2 });
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([3, 4]);
      });

      it('soft-deletes a stream: it reads as not found and can be recreated with revisions continuing', async () => {
        const s = uniqueStream();
        await store.append(s, batch(3), { expectedRevision: 'no_stream' });
        const wrong = await rejection(store.deleteStream(s, { expectedRevision: 1 }));
        expect(wrong).toBeInstanceOf(WrongExpectedRevisionError);
        await store.deleteStream(s, { expectedRevision: 2 });
        expect(await rejection(store.readStream(s))).toBeInstanceOf(StreamNotFoundError);
        const r = await store.append(s, batch(1), { expectedRevision: 'no_stream' });
        expect(r.nextExpectedRevision).toBe(3);
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([3]);
      });
    });

    appendManyConformance(() => store, { uniqueStream, batch });

    describe('closing', () => {
      it('finishes appends already accepted, then refuses new work', async () => {
        const s = uniqueStream();
        const pending = Array.from({ length: 20 }, (_, i) =>
          store.append(`${s}x${i}`, batch(1), { expectedRevision: 'no_stream' }),
        );
        await store.close();
        const results = await Promise.allSettled(pending);
        expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
        expect(await rejection(store.append(s, batch(1), { expectedRevision: 'no_stream' }))).toBeInstanceOf(
          StoreClosedError,
        );
      });
    });
  });
}
