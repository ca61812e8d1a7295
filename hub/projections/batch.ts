import { ProjectionFailedError, ProjectionVersionConflictError } from '../kernel/errors/index.js';
import type { EventFilter, RecordedEvent } from '../kernel/event-store.js';
import type { ProjectionDefinition, ProjectionHandler, ProjectionRebuilder } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';
import { ReadModelChanges } from './changes.js';
import type { Checkpoints } from './db.js';

export type BatchOutcome =
  | { kind: 'applied'; checkpoint: number; applied: number }
  /** The stored checkpoint went back behind what this runner last wrote: someone else reset the read model. */
  | { kind: 'rewound'; stored: number };

/**
 * Applies a batch of events (ascending positions) and advances the checkpoint in one IMMEDIATE
 * transaction. The stored checkpoint, read under the write lock, decides what is skipped, so an
 * event is applied exactly once even when another process (a CLI rebuild) writes the same model.
 * `upTo` lets a filtered catch-up advance the checkpoint past events it did not need.
 */
export type BatchApplier = (events: readonly RecordedEvent[], known: number, upTo?: number) => BatchOutcome;

export function createBatchApplier(
  db: ReadModelDb,
  checkpoints: Checkpoints,
  definition: ProjectionDefinition,
  handler: ProjectionHandler,
): BatchApplier {
  const { name, version } = definition;
  const run = db.transaction(
    (events: readonly RecordedEvent[], known: number, upTo: number): BatchOutcome => {
      const row = checkpoints.get(name);
      const stored = row?.position ?? 0;
      if (row && row.version !== version)
        throw new ProjectionVersionConflictError(name, row.version, version);
      if (stored < known) return { kind: 'rewound', stored };
      let first = 0;
      while (first < events.length && events[first]!.position <= stored) first++;
      for (let i = first; i < events.length; i++) applyOne(name, handler, events[i]!);
      if (handler.endBatch && first < events.length) endBatch(name, handler, events);
      const last = events.length > 0 ? events[events.length - 1]!.position : 0;
      const checkpoint = Math.max(stored, last, upTo);
      if (checkpoint > stored || !row) checkpoints.set(name, version, checkpoint);
      return { kind: 'applied', checkpoint, applied: events.length - first };
    },
  );
  const changes = ReadModelChanges.of(db);
  return (events, known, upTo = 0) => {
    const outcome = run.immediate(events, known, upTo);
    if (outcome.kind === 'applied' && outcome.applied > 0) changes.bump(name);
    return outcome;
  };
}

/** Deletes the read model's rows and sets its checkpoint to zero at the current version, atomically. */
export function resetReadModel(
  db: ReadModelDb,
  checkpoints: Checkpoints,
  definition: ProjectionDefinition,
  handler: ProjectionHandler,
): void {
  db.transaction(() => {
    handler.reset();
    checkpoints.set(definition.name, definition.version, 0);
  }).immediate();
  ReadModelChanges.of(db).bump(definition.name);
}

/**
 * Ends an in-memory rebuild (`ProjectionHandler.rebuilder`): in one IMMEDIATE transaction, empties
 * the model (whatever another runner wrote meanwhile), writes what the rebuilder folded and sets the
 * checkpoint to `checkpoint`.
 */
export function writeRebuilt(
  db: ReadModelDb,
  checkpoints: Checkpoints,
  definition: ProjectionDefinition,
  handler: ProjectionHandler,
  rebuilder: ProjectionRebuilder,
  checkpoint: number,
): void {
  const { name, version } = definition;
  db.transaction(() => {
    const row = checkpoints.get(name);
    if (row && row.version !== version) throw new ProjectionVersionConflictError(name, row.version, version);
    handler.reset();
    try {
      rebuilder.write();
    } catch (error) {
      throw new ProjectionFailedError(name, checkpoint, null, reasonOf(error));
    }
    checkpoints.set(name, version, checkpoint);
  }).immediate();
  ReadModelChanges.of(db).bump(name);
}

export function applyOne(
  name: string,
  handler: Pick<ProjectionHandler, 'apply'>,
  event: RecordedEvent,
): void {
  try {
    handler.apply(event);
  } catch (error) {
    throw new ProjectionFailedError(name, event.position, event.type, reasonOf(error));
  }
}

function endBatch(name: string, handler: ProjectionHandler, events: readonly RecordedEvent[]): void {
  try {
    handler.endBatch!();
  } catch (error) {
    throw new ProjectionFailedError(name, events[events.length - 1]!.position, null, reasonOf(error));
  }
}

/** The error's class and message; handlers must not put event data into messages. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return 'non-error value thrown';
}

export function matchesFilter(event: RecordedEvent, filter: EventFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((p) => event.stream.startsWith(p))) return false;
  return true;
}

const IDLE = Symbol('idle');

/**
 * Groups a live event stream into batches: a batch ends at `maxSize` events or as soon as the
 * source has nothing more ready (checked after the event loop's pending work has run).
 */
export async function* inBatches<T>(source: AsyncIterable<T>, maxSize: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let batch: T[] = [];
  let pending = iterator.next();
  /** One timer per batch: it fires only once the source has had to wait for the event loop. */
  let idleSignal: Promise<typeof IDLE> | null = null;
  for (;;) {
    let result: IteratorResult<T> | typeof IDLE;
    if (batch.length === 0) result = await pending;
    else {
      idleSignal ??= idle();
      result = await Promise.race([pending, idleSignal]);
    }
    if (result === IDLE) {
      idleSignal = null;
      yield batch;
      batch = [];
      continue;
    }
    if (result.done) {
      if (batch.length > 0) yield batch;
      return;
    }
    batch.push(result.value);
    pending = iterator.next();
    if (batch.length >= maxSize) {
      idleSignal = null;
      yield batch;
      batch = [];
    }
  }
}

function idle(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}
