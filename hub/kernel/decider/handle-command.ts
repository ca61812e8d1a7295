import { StreamNotFoundError, WrongExpectedRevisionError } from '../errors/index.js';
import type { EventData, EventStore, RecordedEvent } from '../event-store.js';
import { type BatchOptions, batchMeta, type CommandMeta, type Decider } from './decider.js';

/** `'no_stream'` for an empty stream, otherwise the revision of its last event. */
export type StreamRevision = 'no_stream' | number;

export interface AggregateState<State> {
  state: State;
  /** What the next append must expect. */
  expectedRevision: StreamRevision;
  /** The stream's events as read (empty when the stream does not exist). */
  events: RecordedEvent[];
}

/**
 * Folded states of streams, each with the revision it was folded up to, so that the next read of
 * the stream reads only the events appended since (the stream stays the source of truth: its tail
 * is always read). At most `maxEntries` streams, the least recently used dropped first. For
 * streams that are never deleted: a stream deleted and written again elsewhere would be folded on
 * the state cached before.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, { state: State; revision: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(stream: string): { state: State; revision: number } | undefined {
    const entry = this.entries.get(stream);
    if (entry) {
      this.entries.delete(stream);
      this.entries.set(stream, entry);
    }
    return entry;
  }

  /** Keeps the state at `revision`, unless a later one is kept already. */
  set(stream: string, state: State, revision: StreamRevision): void {
    if (revision === 'no_stream') return;
    const kept = this.entries.get(stream);
    if (kept && kept.revision >= revision) return;
    this.entries.delete(stream);
    this.entries.set(stream, { state, revision });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(stream: string): void {
    this.entries.delete(stream);
  }
}

/**
 * Reads a stream and folds it with the decider. The stream is the source of truth, whatever a read
 * model has caught up to. Events in a stream are the decider's own (each append is schema-checked).
 * With a `cache`, folding starts from the state cached for the stream and only the events after it
 * are read (and returned in `events`).
 */
export async function aggregateStream<State, Event>(
  store: EventStore,
  stream: string,
  decider: Decider<never, State, Event>,
  cache?: StreamStateCache<State>,
): Promise<AggregateState<State>> {
  const cached = cache?.get(stream);
  let events: RecordedEvent[];
  try {
    events = await store.readStream(stream, cached && { fromRevision: cached.revision + 1 });
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
    cache?.delete(stream);
    return { state: decider.initialState(), expectedRevision: 'no_stream', events: [] };
  }
  let state = cached ? cached.state : decider.initialState();
  for (const event of events) state = decider.evolve(state, event as unknown as Event);
  const expectedRevision = events.at(-1)?.revision ?? cached?.revision ?? 'no_stream';
  cache?.set(stream, state, expectedRevision);
  return { state, expectedRevision, events };
}

export interface HandleCommandOptions<State = unknown> {
  /**
   * Attempts in all when another writer appended to the stream between the read and the append
   * (`WrongExpectedRevisionError`): each attempt re-reads the stream and decides again, so the
   * decision always rests on the state it is appended after. Default 3; 1 never retries.
   */
  maxAttempts?: number;
  /** Folded states kept between commands: only the events appended since are read. */
  cache?: StreamStateCache<State>;
}

export interface HandleCommandResult<State, Event> {
  /** The events appended; empty when the command changed nothing (then nothing was written). */
  events: Event[];
  /** The state after them. */
  state: State;
  /** The revision to expect for the next append to the stream. */
  nextExpectedRevision: StreamRevision;
  /** Global position of the last appended event; undefined when nothing was appended. */
  position: number | undefined;
}

export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * The one way a command reaches the store: read the stream → fold → decide → append with the
 * expected revision. `command` may be a function of the current state (e.g. register or update,
 * depending on what the stream holds, or an authorization that depends on the state): it is called
 * again on every attempt.
 */
export async function handleCommand<Command, State, Event extends EventData>(
  store: EventStore,
  stream: string,
  decider: Decider<Command, State, Event>,
  command: Command | ((state: State) => Command),
  options: HandleCommandOptions<State> = {},
): Promise<HandleCommandResult<State, Event>> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  for (let attempt = 1; ; attempt++) {
    const { state, expectedRevision } = await aggregateStream(store, stream, decider, options.cache);
    const decided = typeof command === 'function' ? (command as (state: State) => Command)(state) : command;
    const events = [...decider.decide(decided, state)];
    if (events.length === 0) {
      return { events, state, nextExpectedRevision: expectedRevision, position: undefined };
    }
    try {
      const result = await store.append(stream, events, { expectedRevision });
      const after = events.reduce(decider.evolve, state);
      options.cache?.set(stream, after, result.nextExpectedRevision);
      return {
        events,
        state: after,
        nextExpectedRevision: result.nextExpectedRevision,
        position: result.position,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= maxAttempts) throw error;
    }
  }
}

/**
 * The events `handleCommand` appended as the store recorded them (consecutive revisions, the
 * append's position, `recordedAt`), for a read model the service applies at once; none when
 * nothing was appended.
 */
export function appendedEvents<Event extends EventData>(
  stream: string,
  result: HandleCommandResult<unknown, Event>,
  recordedAt: string,
): (RecordedEvent & Event)[] {
  if (result.events.length === 0 || typeof result.nextExpectedRevision !== 'number') return [];
  const first = result.nextExpectedRevision - result.events.length + 1;
  const position = result.position ?? 0;
  return result.events.map((event, i) => ({ ...event, stream, revision: first + i, position, recordedAt }));
}

/** What one item of a batch asks of the store: commands to run, in order, on one stream. */
export interface StreamCommands<Command> {
  stream: string;
  commands: readonly Command[];
}

/**
 * Runs a batch (a file load: each file's declaration, then its withdrawal if it states one): item
 * after item, the commands `plan` gives for it, each through `handleCommand`, with metadata of one
 * batch (`batchMeta`: one actor and correlation id). A command that changes nothing appends nothing,
 * so the same batch run again appends nothing. Returns each item with the results of its commands,
 * in order (`decideAll` is the same on fresh streams, without a store).
 */
export async function handleBatch<Item, Command, State, Event extends EventData>(
  store: EventStore,
  decider: Decider<Command, State, Event>,
  items: readonly Item[],
  options: BatchOptions,
  plan: (item: Item, meta: () => CommandMeta) => StreamCommands<Command>,
): Promise<{ item: Item; results: HandleCommandResult<State, Event>[] }[]> {
  const meta = batchMeta(options);
  const done: { item: Item; results: HandleCommandResult<State, Event>[] }[] = [];
  for (const item of items) {
    const { stream, commands } = plan(item, meta);
    const results: HandleCommandResult<State, Event>[] = [];
    for (const command of commands) results.push(await handleCommand(store, stream, decider, command));
    done.push({ item, results });
  }
  return done;
}
