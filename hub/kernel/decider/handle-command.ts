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
 * Reads a stream and folds it with the decider. The stream is the source of truth, whatever a read
 * model has caught up to. Events in a stream are the decider's own (each append is schema-checked).
 */
export async function aggregateStream<State, Event>(
  store: EventStore,
  stream: string,
  decider: Decider<never, State, Event>,
): Promise<AggregateState<State>> {
  let events: RecordedEvent[];
  try {
    events = await store.readStream(stream);
  } catch (error) {
    if (error instanceof StreamNotFoundError) events = [];
    else throw error;
  }
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event as unknown as Event);
  return { state, expectedRevision: events.at(-1)?.revision ?? 'no_stream', events };
}

export interface HandleCommandOptions {
  /**
   * Attempts in all when another writer appended to the stream between the read and the append
   * (`WrongExpectedRevisionError`): each attempt re-reads the stream and decides again, so the
   * decision always rests on the state it is appended after. Default 3; 1 never retries.
   */
  maxAttempts?: number;
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
  options: HandleCommandOptions = {},
): Promise<HandleCommandResult<State, Event>> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  for (let attempt = 1; ; attempt++) {
    const { state, expectedRevision } = await aggregateStream(store, stream, decider);
    const decided = typeof command === 'function' ? (command as (state: State) => Command)(state) : command;
    const events = [...decider.decide(decided, state)];
    if (events.length === 0) {
      return { events, state, nextExpectedRevision: expectedRevision, position: undefined };
    }
    try {
      const result = await store.append(stream, events, { expectedRevision });
      return {
        events,
        state: events.reduce(decider.evolve, state),
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
