import { LRUCache } from 'lru-cache';
import { StreamNotFoundError, WrongExpectedRevisionError } from '../../kernel/errors/index.js';
import type { EventData, EventStore, ExpectedRevision } from '../../kernel/event-store.js';

interface Pending {
  /** Events that go out together, in one commit. */
  events: readonly EventData[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Appends single events to many streams with an expected revision each, without conflicts between
 * concurrent requests: events for the same stream queue up and go out together in one append (one
 * commit), while the store group-commits appends to different streams. The last known revision of
 * recently used streams is remembered; a conflict (another writer) re-reads it and retries.
 */
export class StreamAppender {
  private readonly heads: LRUCache<string, ExpectedRevision>;
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly store: EventStore,
    private readonly options: { maxBatch?: number; maxRemembered?: number; retries?: number } = {},
  ) {
    this.heads = new LRUCache({ max: options.maxRemembered ?? 50_000 });
  }

  /**
   * Resolves once the event (or every one of `events`, always in the same commit) is durably
   * committed; rejects with the store's error otherwise, and then none of them is written.
   */
  append(stream: string, event: EventData | readonly EventData[]): Promise<void> {
    const events = Array.isArray(event) ? event : [event as EventData];
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(stream);
      if (queue) {
        queue.push({ events, resolve, reject });
        return;
      }
      this.queues.set(stream, [{ events, resolve, reject }]);
      void this.drain(stream);
    });
  }

  private async drain(stream: string): Promise<void> {
    const queue = this.queues.get(stream)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.options.maxBatch ?? 500);
      try {
        await this.write(
          stream,
          batch.flatMap((p) => p.events),
        );
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.queues.delete(stream);
  }

  private async write(stream: string, events: EventData[]): Promise<void> {
    const retries = this.options.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      const expectedRevision = this.heads.get(stream) ?? (await this.head(stream));
      try {
        const result = await this.store.append(stream, events, { expectedRevision });
        this.remember(stream, result.nextExpectedRevision);
        return;
      } catch (error) {
        this.heads.delete(stream);
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= retries) throw error;
        this.remember(stream, error.actual);
      }
    }
  }

  private async head(stream: string): Promise<ExpectedRevision> {
    try {
      const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      return last ? last.revision : 'no_stream';
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 'no_stream';
      throw error;
    }
  }

  private remember(stream: string, revision: ExpectedRevision): void {
    this.heads.set(stream, revision);
  }
}
