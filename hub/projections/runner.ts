import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { UnknownProjectionError } from '../kernel/errors/index.js';
import type { EventStore } from '../kernel/event-store.js';
import { moduleLogger } from '../kernel/logger.js';
import type { ProjectionDefinition, ProjectionRebuilder, RebuildSplit } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';
import { applyOne } from './batch.js';
import { Checkpoints } from './db.js';
import { errorInfo, Lane, type ProjectionStatus, type RebuildProgress, type RebuildResult } from './lane.js';
import { LiveTail } from './live-tail.js';
import { runSplit } from './split-rebuild.js';

export type {
  ProjectionErrorInfo,
  ProjectionState,
  ProjectionStatus,
  RebuildProgress,
  RebuildResult,
} from './lane.js';

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** The read-model database (see `openReadModelDb`), not the event store's file. */
  db: ReadModelDb;
  projections: readonly ProjectionDefinition[];
  logger: Logger;
  /** Most events per transaction while live. Default 500. */
  batchSize?: number;
  /** Events per readAll page, and per transaction, while catching up or rebuilding. Default 1,000. */
  pageSize?: number;
  /**
   * Worker threads a split rebuild (`ProjectionRebuilder.split`) may use, when the store can be read
   * from them. Default: the machine's available parallelism, at most 8.
   */
  rebuildThreads?: number;
}

type ReplayEnd = 'done' | 'rewound' | 'cancelled';

/** Rows per fields read of a split rebuild (rows are small arrays). */
const SPLIT_PAGE = 20_000;

/**
 * Keeps read models up to date. Each projection catches up on its own with `readAll` pages (its
 * filter pushed down to the store, one transaction per page), then joins one shared live
 * subscription that fans every new event out to all live projections.
 */
export class ProjectionRunner {
  private readonly store: EventStore;
  private readonly log: Logger;
  private readonly lanes = new Map<string, Lane>();
  private readonly batchSize: number;
  private readonly pageSize: number;
  private readonly rebuildThreads: number;
  private readonly tasks = new Set<Promise<void>>();
  private readonly waiters = new Set<() => boolean>();
  private tail: LiveTail | null = null;
  private running = false;

  constructor(options: ProjectionRunnerOptions) {
    this.store = options.store;
    this.log = moduleLogger(options.logger, 'projections');
    this.batchSize = options.batchSize ?? 500;
    this.pageSize = options.pageSize ?? 1_000;
    this.rebuildThreads = options.rebuildThreads ?? Math.min(8, availableParallelism());
    const checkpoints = new Checkpoints(options.db);
    for (const definition of options.projections) {
      this.lanes.set(definition.name, new Lane(definition, options.db, checkpoints));
    }
  }

  names(): string[] {
    return [...this.lanes.keys()];
  }

  /** Loads checkpoints (rebuilding models whose version changed) and starts catching up; does not wait for it. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (const lane of this.lanes.values()) {
      lane.lastError = null;
      try {
        if (lane.load()) this.log.info({ projection: lane.name }, 'projection version changed: rebuilding');
        this.launch(lane);
      } catch (error) {
        this.fail(lane, error);
      }
    }
  }

  /** Stops after the batch in progress, closes the live subscription and saves checkpoints. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const lane of this.lanes.values()) lane.generation++;
    const tail = this.tail;
    this.tail = null;
    await tail?.close();
    await Promise.all(this.tasks);
    for (const lane of this.lanes.values()) {
      if (lane.state === 'failed') continue;
      try {
        lane.persistSeen();
        lane.state = 'stopped';
      } catch (error) {
        this.fail(lane, error);
      }
    }
    this.notify();
  }

  /** Resolves once no projection is catching up (each is live, failed or stopped). */
  whenCaughtUp(): Promise<void> {
    return this.waitUntil(() => [...this.lanes.values()].every((l) => l.state !== 'catching-up'));
  }

  /** Resolves once every projection still running has examined the event at `position`. */
  waitForPosition(position: number): Promise<void> {
    return this.waitUntil(() =>
      [...this.lanes.values()].every(
        (l) => l.state === 'failed' || l.state === 'stopped' || l.seen >= position,
      ),
    );
  }

  /** For readiness probes: started and no projection still catching up. Failures show in `status()`. */
  isCaughtUp(): boolean {
    return this.running && [...this.lanes.values()].every((l) => l.state !== 'catching-up');
  }

  /** Reads checkpoints from the database, so it also reports models another process keeps up to date. */
  async status(): Promise<ProjectionStatus[]> {
    const { lastPosition } = await this.store.info();
    return [...this.lanes.values()].map((lane) => {
      const row = lane.checkpoints.get(lane.name);
      const current = row?.version === lane.definition.version;
      const checkpoint = current ? row.position : 0;
      return {
        name: lane.name,
        version: lane.definition.version,
        storedVersion: row?.version ?? null,
        checkpoint,
        lastPosition,
        lag: Math.max(0, lastPosition - Math.max(lane.seen, checkpoint)),
        state: lane.state,
        lastError: lane.lastError,
      };
    });
  }

  /** Brings one projection up to the store's head without going live (rebuilding it if its version changed). */
  async catchUp(name: string): Promise<ProjectionStatus> {
    const lane = this.lane(name);
    const generation = ++lane.generation;
    try {
      lane.load();
      let end: ReplayEnd;
      do end = await this.replay(lane, generation);
      while (end === 'rewound');
      if (end === 'done') lane.persistSeen();
    } catch (error) {
      this.fail(lane, error);
      throw error;
    }
    return (await this.status()).find((s) => s.name === name)!;
  }

  /**
   * Empties the read model and replays the whole log into it in large transactions. Works whether
   * or not the runner is started; a running projection resumes live afterwards.
   */
  async rebuild(
    name: string,
    options: { onProgress?: (p: RebuildProgress) => void } = {},
  ): Promise<RebuildResult> {
    const lane = this.lane(name);
    const started = performance.now();
    const generation = ++lane.generation;
    this.tail?.lanes.delete(lane);
    lane.lastError = null;
    lane.state = 'catching-up';
    let applied = 0;
    try {
      lane.reset();
      this.log.info({ projection: name }, 'rebuild started');
      const onPage = (done: number, total: number, count: number) => {
        applied += count;
        options.onProgress?.({ projection: name, done, total, applied });
      };
      const rebuilder = lane.handler.rebuilder?.();
      const end = rebuilder?.split
        ? await this.replaySplit(lane, generation, rebuilder.split, onPage)
        : rebuilder
          ? await this.replayInMemory(lane, generation, rebuilder, onPage)
          : await this.replay(lane, generation, onPage);
      if (end === 'done') lane.persistSeen();
    } catch (error) {
      this.fail(lane, error);
      throw error;
    }
    const seconds = (performance.now() - started) / 1000;
    this.log.info({ projection: name, applied, seconds }, 'rebuild finished');
    if (this.running && lane.generation === generation) this.launch(lane);
    else if (lane.generation === generation) lane.state = 'stopped';
    this.notify();
    return { projection: name, applied, checkpoint: lane.checkpoint, seconds };
  }

  private lane(name: string): Lane {
    const lane = this.lanes.get(name);
    if (!lane) throw new UnknownProjectionError(name, this.names());
    return lane;
  }

  private launch(lane: Lane): void {
    const task = this.catchUpAndJoin(lane, lane.generation).finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }

  private async catchUpAndJoin(lane: Lane, generation: number): Promise<void> {
    lane.state = 'catching-up';
    this.notify();
    try {
      for (;;) {
        const end = await this.replay(lane, generation);
        if (end === 'cancelled' || lane.generation !== generation || !this.running) return;
        if (end === 'rewound') continue;
        lane.persistSeen();
        this.tail ??= this.openTail(lane.seen);
        if (this.tail.position > lane.seen) continue;
        this.tail.lanes.add(lane);
        lane.state = 'live';
        this.log.info({ projection: lane.name, checkpoint: lane.checkpoint }, 'projection live');
        this.notify();
        return;
      }
    } catch (error) {
      this.fail(lane, error);
    }
  }

  /** Reads `readAll` pages from the lane's position to the store's head, one transaction per page. */
  private async replay(
    lane: Lane,
    generation: number,
    onPage?: (done: number, total: number, applied: number) => void,
  ): Promise<ReplayEnd> {
    const filter = lane.definition.filter;
    const fetch = (from: number) =>
      this.store.readAll({ fromPosition: from, maxCount: this.pageSize, filter });
    /** Every event up to here was committed before the first read, so a short page proves it was seen. */
    const head = (await this.store.info()).lastPosition;
    let next = fetch(lane.seen);
    for (;;) {
      const events = await next;
      if (lane.generation !== generation) return 'cancelled';
      const full = events.length === this.pageSize;
      if (full) next = fetch(events[events.length - 1]!.position);
      const outcome = lane.apply(events, lane.checkpoint, full ? 0 : head);
      if (outcome.kind === 'rewound') {
        this.log.warn(
          { projection: lane.name, stored: outcome.stored },
          'read model was reset elsewhere: catching up',
        );
        lane.checkpoint = lane.seen = outcome.stored;
        if (full) await next.catch(() => undefined);
        return 'rewound';
      }
      lane.checkpoint = outcome.checkpoint;
      lane.seen = Math.max(lane.seen, outcome.checkpoint);
      onPage?.(lane.seen, Math.max(head, lane.seen), outcome.applied);
      this.notify();
      if (!full) return 'done';
      // The embedded store answers reads at once: without a turn of the event loop between pages a
      // long catch-up would hold back every request, timer and checkpoint signer of the process.
      await yieldToEventLoop();
    }
  }

  /**
   * A rebuild through the handler's rebuilder: `readAll` pages (the next one read while this one is
   * folded) fed to it outside any transaction, then one transaction that writes the result with
   * the checkpoint. The read model's write lock is taken only for that last write.
   */
  private async replayInMemory(
    lane: Lane,
    generation: number,
    rebuilder: ProjectionRebuilder,
    onPage: (done: number, total: number, applied: number) => void,
  ): Promise<ReplayEnd> {
    const filter = lane.definition.filter;
    const fetch = (from: number) =>
      this.store.readAll({ fromPosition: from, maxCount: this.pageSize, filter });
    const head = (await this.store.info()).lastPosition;
    let seen = 0;
    let next = fetch(0);
    for (;;) {
      const events = await next;
      if (lane.generation !== generation) return 'cancelled';
      const full = events.length === this.pageSize;
      if (full) next = fetch(events[events.length - 1]!.position);
      for (const event of events) applyOne(lane.name, rebuilder, event);
      if (events.length > 0) seen = events[events.length - 1]!.position;
      onPage(seen, Math.max(head, seen), events.length);
      if (!full) break;
    }
    lane.writeRebuilt(rebuilder, Math.max(head, seen));
    this.notify();
    return 'done';
  }

  /**
   * A rebuild through the rebuilder's split: fields reads folded in parts (in worker threads when
   * the store allows), then one transaction that writes the parts' results with the checkpoint.
   */
  private async replaySplit(
    lane: Lane,
    generation: number,
    split: RebuildSplit,
    onPage: (done: number, total: number, applied: number) => void,
  ): Promise<ReplayEnd> {
    const head = (await this.store.info()).lastPosition;
    const results = await runSplit(this.store, split, {
      name: lane.name,
      streamPrefixes: lane.definition.filter?.streamPrefixes,
      upTo: head,
      pageSize: Math.max(this.pageSize, SPLIT_PAGE),
      threads: this.rebuildThreads,
      onPage: (done, applied) => onPage(done, head, applied),
      cancelled: () => lane.generation !== generation,
    });
    if (!results || lane.generation !== generation) return 'cancelled';
    lane.writeRebuilt({ apply: () => undefined, write: () => split.write(results) }, head);
    this.notify();
    return 'done';
  }

  private openTail(from: number): LiveTail {
    return new LiveTail(this.store, from, this.batchSize, this.pageSize, {
      rewound: (lane) => this.launch(lane),
      failed: (lane, error) => this.fail(lane, error),
      delivered: () => this.notify(),
      broken: (lanes, error) => {
        this.tail = null;
        this.log.error({ err: errorInfo(error) }, 'live subscription failed: catching up again');
        const generations = lanes.map((lane) => {
          lane.state = 'catching-up';
          return ++lane.generation;
        });
        setTimeout(() => {
          lanes.forEach((lane, i) => {
            if (this.running && lane.generation === generations[i]) this.launch(lane);
          });
        }, 1000).unref();
      },
    });
  }

  private fail(lane: Lane, error: unknown): void {
    this.tail?.lanes.delete(lane);
    lane.generation++;
    lane.state = 'failed';
    lane.lastError = errorInfo(error);
    this.log.error({ projection: lane.name, err: lane.lastError }, 'projection failed');
    this.notify();
  }

  private waitUntil(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return false;
        resolve();
        return true;
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const check of this.waiters) if (check()) this.waiters.delete(check);
  }
}
