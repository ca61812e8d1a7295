import { type Clock, systemClock } from '../../kernel/clock.js';
import { aggregateStream, handleCommand, newCommandMeta } from '../../kernel/decider/index.js';
import type { Actor, EventStore } from '../../kernel/event-store.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { type CalendarYearState, calendarDecider } from './decider.js';
import { calendarStream, type WorkingCalendarYear } from './events.js';

/** A year as its stream says (the source of truth, whatever the read model has caught up to). */
export async function loadCalendarYear(store: EventStore, year: number): Promise<CalendarYearState> {
  return (await aggregateStream(store, calendarStream(year), calendarDecider)).state;
}

export interface DeclareOutcome {
  year: number;
  /** The version in force after the declaration. */
  version: number;
  /** True when a new version was appended; false when the year already held this content. */
  changed: boolean;
}

export interface DeclareOptions {
  actor: Actor;
  clock?: Clock;
  /** Event and correlation ids; default random UUIDs. */
  ids?: IdSource;
}

/**
 * Declares each year on its stream `calendar-<year>`: a new version when its content differs from
 * the version in force, nothing otherwise (idempotent). Years are declared in the order given.
 */
export async function declareCalendarYears(
  store: EventStore,
  years: readonly WorkingCalendarYear[],
  options: DeclareOptions,
): Promise<DeclareOutcome[]> {
  const ids = options.ids ?? randomId;
  const issuer = { actor: options.actor, correlationId: ids() };
  const outcomes: DeclareOutcome[] = [];
  for (const data of years) {
    const meta = newCommandMeta(issuer, options.clock ?? systemClock, ids);
    const { events, state } = await handleCommand(store, calendarStream(data.year), calendarDecider, {
      type: 'DeclareWorkingCalendarYear',
      data,
      meta,
    });
    const version = state.status === 'declared' ? state.current.version : 0;
    outcomes.push({ year: data.year, version, changed: events.length > 0 });
  }
  return outcomes;
}
