import { aggregateStream, type BatchOptions, handleBatch } from '../../kernel/decider/index.js';
import type { EventStore } from '../../kernel/event-store.js';
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

/**
 * Declares each year on its stream `calendar-<year>`: a new version when its content differs from
 * the version in force, nothing otherwise (idempotent). Years are declared in the order given.
 */
export async function declareCalendarYears(
  store: EventStore,
  years: readonly WorkingCalendarYear[],
  options: BatchOptions,
): Promise<DeclareOutcome[]> {
  const done = await handleBatch(store, calendarDecider, years, options, (data, meta) => ({
    stream: calendarStream(data.year),
    commands: [{ type: 'DeclareWorkingCalendarYear', data, meta: meta() }],
  }));
  return done.map(({ item, results: [declared] }) => {
    const { events, state } = declared!;
    return {
      year: item.year,
      version: state.status === 'declared' ? state.current.version : 0,
      changed: events.length > 0,
    };
  });
}
