import { describe, expect, it } from 'vitest';
import {
  EventIdConflictError,
  InvalidStreamNameError,
  StoreClosedError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import type { AppendResult, EventData, EventStore } from '../kernel/event-store.js';

/** `appendMany` cases of the shared conformance suite (called from `eventStoreConformance`). */
export function appendManyConformance(
  current: () => EventStore,
  helpers: { uniqueStream(): string; batch(n: number): EventData[] },
): void {
  const { uniqueStream, batch } = helpers;

  describe('appendMany', () => {
    it('appends independent requests, each as one append, with outcomes in request order', async () => {
      const store = current();
      const [a, b, c] = [uniqueStream(), uniqueStream(), uniqueStream()];
      await store.append(b, batch(2), { expectedRevision: 'no_stream' });
      const outcomes = await store.appendMany([
        { stream: a, events: batch(3), expectedRevision: 'no_stream' },
        { stream: b, events: batch(1), expectedRevision: 1 },
        { stream: c, events: batch(1), expectedRevision: 'no_stream' },
      ]);
      expect(outcomes.map((o) => (o as AppendResult).nextExpectedRevision)).toEqual([2, 2, 0]);
      expect(outcomes.every((o) => (o as AppendResult).written)).toBe(true);
      const streams = await Promise.all([a, b, c].map((s) => store.readStream(s)));
      expect(streams.map((events) => events.map((e) => e.revision))).toEqual([[0, 1, 2], [0, 1, 2], [0]]);
      streams.forEach((events, i) => {
        expect(events.at(-1)!.position).toBe((outcomes[i] as AppendResult).position);
      });
    });

    it("returns a failed request's error in its place and still writes the others", async () => {
      const store = current();
      const [ok1, stale, reused, ok2] = [uniqueStream(), uniqueStream(), uniqueStream(), uniqueStream()];
      await store.append(stale, batch(2), { expectedRevision: 'no_stream' });
      const original = batch(1);
      await store.append(reused, original, { expectedRevision: 'no_stream' });
      const changed = [{ ...original[0]!, data: { n: 99 } }];
      const outcomes = await store.appendMany([
        { stream: ok1, events: batch(1), expectedRevision: 'no_stream' },
        { stream: stale, events: batch(1), expectedRevision: 0 },
        { stream: 'Not a stream', events: batch(1), expectedRevision: 'no_stream' },
        { stream: reused, events: changed, expectedRevision: 'no_stream' },
        { stream: ok2, events: batch(2), expectedRevision: 'no_stream' },
      ]);
      expect(outcomes[0]).toMatchObject({ nextExpectedRevision: 0, written: true });
      expect(outcomes[1]).toBeInstanceOf(WrongExpectedRevisionError);
      expect(outcomes[1]).toMatchObject({ stream: stale, expected: 0, actual: 1 });
      expect(outcomes[2]).toBeInstanceOf(InvalidStreamNameError);
      expect(outcomes[3]).toBeInstanceOf(EventIdConflictError);
      expect(outcomes[4]).toMatchObject({ nextExpectedRevision: 1, written: true });
      expect((await store.readStream(stale)).length).toBe(2);
      expect((await store.readStream(reused)).map((e) => e.data)).toEqual([{ n: 0 }]);
      expect((await store.readStream(ok2)).length).toBe(2);
    });

    it('acknowledges an identical retry of the whole call without writing anything', async () => {
      const store = current();
      const requests = [uniqueStream(), uniqueStream()].map((stream) => ({
        stream,
        events: batch(2),
        expectedRevision: 'no_stream' as const,
      }));
      const first = (await store.appendMany(requests)) as AppendResult[];
      const again = (await store.appendMany(requests)) as AppendResult[];
      expect(again.map((r) => r.written)).toEqual([false, false]);
      expect(again.map((r) => [r.nextExpectedRevision, r.position])).toEqual(
        first.map((r) => [r.nextExpectedRevision, r.position]),
      );
      for (const r of requests) expect((await store.readStream(r.stream)).length).toBe(2);
    });

    it('resolves an empty call with no outcomes and refuses work once closed', async () => {
      const store = current();
      expect(await store.appendMany([])).toEqual([]);
      const s = uniqueStream();
      const pending = store.appendMany([{ stream: s, events: batch(1), expectedRevision: 'no_stream' }]);
      await store.close();
      expect(await pending).toMatchObject([{ nextExpectedRevision: 0, written: true }]);
      const refused = await store
        .appendMany([{ stream: `${s}x`, events: batch(1), expectedRevision: 'no_stream' }])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(refused).toBeInstanceOf(StoreClosedError);
    });
  });
}
