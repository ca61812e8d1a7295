import type { RecordedEvent, Subscription } from '../kernel/event-store.js';

export interface SubscriptionSource {
  /** Events after `from` and at most `upTo`, in position order, at most `limit`. */
  readPage(from: number, upTo: number, limit: number): RecordedEvent[];
  /** Position of the last committed event. */
  head(): number;
  /** Resolves at the next local commit, or after `ms` (to notice writers in other processes). */
  nextCommit(ms: number): Promise<void>;
}

const PAGE = 512;

/**
 * A catch-up subscription over a log that can be read in pages: reads from the checkpoint up to
 * the head seen at the start of each round, then waits for the next commit. Readers only ever see
 * committed events, so there are no gaps to wait for.
 */
export class PollingSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly iterator: AsyncGenerator<RecordedEvent>;

  constructor(
    private readonly source: SubscriptionSource,
    private position: number,
    private readonly onClose: (s: PollingSubscription) => void,
    private readonly pollMs = 250,
  ) {
    this.caughtUp = new Promise((resolve) => {
      this.markCaughtUp = resolve;
    });
    this.iterator = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.iterator;
  }

  private async *run(): AsyncGenerator<RecordedEvent> {
    try {
      while (!this.closed) {
        const head = this.source.head();
        while (!this.closed && this.position < head) {
          const page = this.source.readPage(this.position, head, PAGE);
          for (const event of page) {
            if (this.closed) return;
            this.position = event.position;
            yield event;
          }
          if (page.length < PAGE) this.position = head;
        }
        if (this.closed) return;
        this.markCaughtUp();
        if (this.source.head() > this.position) continue;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.source.nextCommit(this.pollMs).then(resolve, resolve);
        });
        this.wake = undefined;
      }
    } finally {
      this.closed = true;
      this.onClose(this);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.markCaughtUp();
    this.onClose(this);
    await this.iterator.return(undefined);
  }
}
