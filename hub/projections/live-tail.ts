import { LiveSubscriptionEndedError } from '../kernel/errors/index.js';
import type { EventStore, RecordedEvent, Subscription } from '../kernel/event-store.js';
import { inBatches, matchesFilter } from './batch.js';
import type { Lane } from './lane.js';

export interface TailHooks {
  /** The lane's stored checkpoint went back (reset elsewhere); it has left the tail. */
  rewound(lane: Lane): void;
  failed(lane: Lane, error: unknown): void;
  delivered(): void;
  /** The subscription itself failed; these lanes have left the tail. */
  broken(lanes: Lane[], error: unknown): void;
}

/**
 * One unfiltered live subscription shared by every caught-up projection. Each batch is filtered per
 * projection and applied in that projection's own transaction; a projection with nothing to apply
 * only advances in memory, and writes its checkpoint every `persistEvery` positions.
 */
export class LiveTail {
  readonly lanes = new Set<Lane>();
  /** Position of the last event delivered. */
  position: number;
  readonly done: Promise<void>;
  private readonly subscription: Subscription;
  private closed = false;

  constructor(
    store: EventStore,
    from: number,
    private readonly batchSize: number,
    private readonly persistEvery: number,
    private readonly hooks: TailHooks,
  ) {
    this.position = from;
    this.subscription = store.subscribeToAll({ fromPosition: from });
    this.done = this.follow().catch((error: unknown) => this.break(error));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.subscription.close();
    await this.done;
  }

  private async follow(): Promise<void> {
    for await (const batch of inBatches(this.subscription, this.batchSize)) {
      if (this.closed) return;
      this.position = batch[batch.length - 1]!.position;
      for (const lane of [...this.lanes]) this.deliver(lane, batch);
      this.hooks.delivered();
    }
    if (!this.closed) this.break(new LiveSubscriptionEndedError());
  }

  private deliver(lane: Lane, batch: readonly RecordedEvent[]): void {
    const last = batch[batch.length - 1]!.position;
    if (last <= lane.seen) return;
    const filter = lane.definition.filter;
    const events = batch.filter((e) => e.position > lane.seen && matchesFilter(e, filter));
    if (events.length === 0 && last - lane.checkpoint < this.persistEvery) {
      lane.seen = last;
      return;
    }
    try {
      const outcome = lane.apply(events, lane.checkpoint, last);
      if (outcome.kind === 'rewound') {
        this.lanes.delete(lane);
        lane.checkpoint = lane.seen = outcome.stored;
        this.hooks.rewound(lane);
        return;
      }
      lane.checkpoint = outcome.checkpoint;
      lane.seen = last;
    } catch (error) {
      this.lanes.delete(lane);
      this.hooks.failed(lane, error);
    }
  }

  private break(error: unknown): void {
    if (this.closed) return;
    this.closed = true;
    const lanes = [...this.lanes];
    this.lanes.clear();
    void this.subscription.close().catch(() => undefined);
    this.hooks.broken(lanes, error);
  }
}
