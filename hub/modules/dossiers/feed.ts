import type { ReadModelDb } from '../../kernel/read-model.js';
import type { DossierEvent, ProcedureRef } from './events.js';
import type { DossierStatus } from './state.js';

/**
 * A dossier whose status (or competent agency) just changed, as the `dossiers` read model applied
 * it. `applicant` (a pseudonym) and `intakeAgency` are there to decide who may hear of it; they are
 * never sent to a subscriber.
 */
export interface DossierChange {
  dossierId: string;
  /** Revision of the event in the dossier's stream (a client may drop one it has seen). */
  revision: number;
  eventId: string;
  eventType: DossierEvent['type'];
  /** When the event happened. */
  at: string;
  status: DossierStatus;
  /** Null for a submission. */
  previousStatus: DossierStatus | null;
  /** The competent agency after the event. */
  agency: string;
  /** The competent agency before a transfer; null otherwise. */
  previousAgency: string | null;
  intakeAgency: string | null;
  /** Null once the applicant was erased. */
  applicant: string | null;
  procedure: ProcedureRef;
  dueAt: string | null;
  appointmentAt: string | null;
}

type Listener = (change: DossierChange) => void;

/**
 * The changes the `dossiers` read model applies on one read-model connection, for whoever listens
 * in this process (the GraphQL subscriptions). The read model applies an event once per
 * connection (by stream revision), whether the service applied it at once or the projection
 * runner did — after another process appended it, too — so each change is published once. It is
 * published after the write that produced it has finished (the runner's batch committed), never
 * from inside it, and a listener that throws harms neither the read model nor other listeners.
 */
export class DossierFeed {
  private static readonly byConnection = new WeakMap<ReadModelDb, DossierFeed>();

  static of(db: ReadModelDb): DossierFeed {
    let feed = DossierFeed.byConnection.get(db);
    if (!feed) {
      feed = new DossierFeed();
      DossierFeed.byConnection.set(db, feed);
    }
    return feed;
  }

  private readonly listeners = new Set<Listener>();

  /** Listeners now (open subscriptions). */
  get size(): number {
    return this.listeners.size;
  }

  publish(change: DossierChange): void {
    if (this.listeners.size === 0) return;
    queueMicrotask(() => {
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch {
          // a listener's failure is its own (a subscription closes itself)
        }
      }
    });
  }

  /**
   * The changes `accept` lets through, from now on, as an async iterator. At most `maxQueued` wait
   * for a slow reader: past that the stream ends (the reader re-subscribes and catches up with a
   * query) rather than holding changes without bound.
   */
  subscribe(accept: (change: DossierChange) => boolean, maxQueued = 1000): ChangeStream {
    const stream = new ChangeStream(() => this.listeners.delete(listener), maxQueued);
    const listener: Listener = (change) => {
      if (accept(change)) stream.push(change);
    };
    this.listeners.add(listener);
    return stream;
  }
}

/**
 * An async iterator over pushed changes with a bounded queue. `return()` ends it at once, even
 * while a `next()` waits (an async generator would wait for the next change before ending).
 */
export class ChangeStream implements AsyncIterableIterator<DossierChange> {
  private readonly queue: DossierChange[] = [];
  private waiting: ((result: IteratorResult<DossierChange>) => void) | undefined;
  private ended = false;

  constructor(
    private readonly detach: () => void,
    private readonly maxQueued: number,
  ) {}

  push(change: DossierChange): void {
    if (this.ended) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value: change, done: false });
    } else if (this.queue.length < this.maxQueued) {
      this.queue.push(change);
    } else {
      this.end();
    }
  }

  next(): Promise<IteratorResult<DossierChange>> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve({ value: queued, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<DossierChange>> {
    this.queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.detach();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }
}
