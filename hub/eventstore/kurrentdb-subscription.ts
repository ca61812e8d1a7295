import type { RecordedEvent, Subscription } from '../kernel/event-store.js';

/**
 * The source a queue subscription is fed from: a KurrentDB catch-up subscription adapted to
 * callbacks, so the queue itself can be exercised without a server.
 */
export interface SubscriptionSource {
  /** Starts delivery; `onCaughtUp` fires when the server says everything stored so far was sent. */
  start(handlers: {
    onEvent(event: RecordedEvent): void;
    onCaughtUp(): void;
    onError(error: unknown): void;
  }): void;
  stop(): Promise<void>;
  /** Flow control: stop pushing while the consumer is far behind, start again once it caught up. */
  pause?(): void;
  resume?(): void;
}

const HIGH_WATER = 1000;
const LOW_WATER = 100;

type Item =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'caughtUp' }
  | { kind: 'error'; error: unknown };

/**
 * Buffers what the source pushes and hands it out in order. `caughtUp` resolves once the consumer
 * has been handed every event that preceded the server's caught-up signal (one macrotask after the
 * last of them), or at once when the signal arrives with nothing left to hand out.
 */
export class QueueSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  #resolveCaughtUp!: () => void;
  #rejectCaughtUp!: (error: unknown) => void;
  #items: Item[] = [];
  #waiting: ((item: Item | undefined) => void) | undefined;
  #closed = false;
  #signalled = false;
  #paused = false;
  #source: SubscriptionSource;
  #onClose: () => void;

  constructor(source: SubscriptionSource, onClose: () => void = () => {}) {
    this.caughtUp = new Promise((resolve, reject) => {
      this.#resolveCaughtUp = resolve;
      this.#rejectCaughtUp = reject;
    });
    this.caughtUp.catch(() => {});
    this.#source = source;
    this.#onClose = onClose;
    source.start({
      onEvent: (event) => this.#push({ kind: 'event', event }),
      onCaughtUp: () => {
        if (this.#signalled) return;
        this.#signalled = true;
        // The client emits the signal while earlier events may still sit in its stream buffer;
        // waiting one macrotask lets them arrive first.
        setImmediate(() => this.#push({ kind: 'caughtUp' }));
      },
      onError: (error) => {
        this.#rejectCaughtUp(error);
        this.#push({ kind: 'error', error });
      },
    });
  }

  #push(item: Item): void {
    if (this.#closed) return;
    if (item.kind === 'caughtUp' && this.#items.length === 0) {
      this.#resolveCaughtUp();
      return;
    }
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting(item);
    } else {
      this.#items.push(item);
      if (!this.#paused && this.#items.length >= HIGH_WATER) {
        this.#paused = true;
        this.#source.pause?.();
      }
    }
  }

  #next(): Promise<Item | undefined> {
    const item = this.#items.shift();
    if (this.#paused && this.#items.length <= LOW_WATER) {
      this.#paused = false;
      this.#source.resume?.();
    }
    if (item || this.#closed) return Promise.resolve(item);
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      while (true) {
        const item = await this.#next();
        if (!item) return;
        if (item.kind === 'caughtUp') {
          this.#resolveCaughtUp();
          continue;
        }
        if (item.kind === 'error') throw item.error;
        if (this.#items[0]?.kind === 'caughtUp') {
          this.#items.shift();
          // After the consumer has taken this last stored event, without waiting for it to ask again.
          setImmediate(this.#resolveCaughtUp);
        }
        yield item.event;
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#items = [];
    this.#waiting?.(undefined);
    this.#waiting = undefined;
    this.#onClose();
    await this.#source.stop();
  }
}
