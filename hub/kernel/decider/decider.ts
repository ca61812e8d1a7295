import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Actor, EventData, EventMetadata } from '../event-store.js';
import { type IdSource, randomId } from '../ids.js';
import { buildMetadata } from '../metadata.js';

/**
 * A pure decider: `decide` turns a command and the current state into the events to record (none
 * when the command changes nothing) or throws a HubError; `evolve` folds one event into the state;
 * `initialState` is the state of an empty stream. Neither reads the clock, ids or any store: time and
 * ids come in with the command (`CommandMeta`).
 */
export interface Decider<Command, State, Event> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** What every command brings besides its data, so that deciders stay pure and tests deterministic. */
export interface CommandMeta {
  /** ISO-8601 instant the command is decided at (the `occurredAt` of the events it produces). */
  now: string;
  /** Id of the event the command produces (a decider may derive a deterministic one instead). */
  eventId: string;
  /** Metadata every event of the command carries. */
  metadata: EventMetadata;
}

/** The one command shape: a type, its data, its metadata. */
export interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
  meta: CommandMeta;
}

/** The event a decision produces: its id and metadata come from the command. */
export const eventOf = <Type extends string, Data>(
  meta: CommandMeta,
  type: Type,
  data: Data,
): EventData<Type, Data> => ({ id: meta.eventId, type, data, metadata: meta.metadata });

/** Who issues commands: the acting party and the correlation shared by the commands of one request. */
export interface CommandIssuer {
  actor: Actor;
  correlationId: string;
  causationId?: string | null;
}

/**
 * Command metadata read from a clock and an id source: one instant for `now` and `occurredAt`, a fresh
 * event id each call.
 */
export function newCommandMeta(
  by: CommandIssuer,
  clock: Clock = systemClock,
  ids: IdSource = randomId,
): CommandMeta {
  const now = clock();
  return {
    now: now.toISOString(),
    eventId: ids(),
    metadata: buildMetadata({
      occurredAt: now,
      actor: by.actor,
      correlationId: by.correlationId,
      causationId: by.causationId ?? null,
    }),
  };
}

/** Who issues a batch of commands (a file load, a seed) and, for tests, the clock and ids they use. */
export interface BatchOptions {
  actor: Actor;
  clock?: Clock;
  /** Event and correlation ids; default random UUIDs. */
  ids?: IdSource;
}

/** Metadata for each command of one batch: one actor and correlation id, a fresh event id and instant each. */
export function batchMeta(options: BatchOptions): () => CommandMeta {
  const ids = options.ids ?? randomId;
  const issuer = { actor: options.actor, correlationId: ids() };
  return () => newCommandMeta(issuer, options.clock ?? systemClock, ids);
}

/** The state after `events`, from the decider's initial state. */
export function fold<State, Event>(decider: Decider<unknown, State, Event>, events: readonly Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/**
 * Runs commands one after another from the initial state, folding each decision in before the next:
 * the events a fresh stream would receive, without a store (used to build seed streams offline).
 */
export function decideAll<Command, State, Event>(
  decider: Decider<Command, State, Event>,
  commands: readonly Command[],
): Event[] {
  let state = decider.initialState();
  const events: Event[] = [];
  for (const command of commands) {
    for (const event of decider.decide(command, state)) {
      state = decider.evolve(state, event);
      events.push(event);
    }
  }
  return events;
}
