import assert from 'node:assert/strict';
import type { Decider } from './decider.js';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface SpecificationOptions<Event> {
  /** Called with every event the decider produces (e.g. to check it against its schema). */
  validate?: (event: Event) => void;
}

export interface Then<Event> {
  /** The decision is exactly these events (compared as the store keeps them: JSON). Returns them. */
  then(expected: readonly Event[]): Event[];
  /** The decision records nothing. */
  thenNothing(): void;
  /** The decision throws an instance of `errorClass` (for which `predicate`, when given, holds). Returns it. */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, predicate?: (error: E) => boolean): E;
}

export interface Given<Command, Event> {
  when(command: Command): Then<Event>;
}

export interface Specification<Command, Event> {
  /** The events already in the stream, oldest first. */
  given(events: readonly Event[]): Given<Command, Event>;
}

/** Events are stored as JSON: compare what the store would hold (undefined properties dropped). */
const asStored = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Given/when/then for deciders, independent of the test runner (it throws assertion errors):
 *
 * ```ts
 * const spec = DeciderSpecification.for(consentDecider);
 * spec.given([granted]).when(withdraw).then([withdrawn]);
 * spec.given([withdrawn]).when(withdraw).thenThrows(ConsentNotActiveError);
 * ```
 */
export const DeciderSpecification = {
  for<Command, State, Event>(
    decider: Decider<Command, State, Event>,
    options: SpecificationOptions<Event> = {},
  ): Specification<Command, Event> {
    return {
      given: (history) => ({
        when: (command) => {
          const decide = (): Event[] => {
            const state = history.reduce(decider.evolve, decider.initialState());
            const events = [...decider.decide(command, state)];
            for (const event of events) options.validate?.(event);
            return events;
          };
          const then = (expected: readonly Event[]) => {
            const events = decide();
            assert.deepEqual(asStored(events), asStored(expected));
            return events;
          };
          return {
            then,
            thenNothing: () => {
              then([]);
            },
            thenThrows: <E extends Error>(
              errorClass: ErrorClass<E>,
              predicate?: (error: E) => boolean,
            ): E => {
              let events: Event[];
              try {
                events = decide();
              } catch (error) {
                if (!(error instanceof errorClass)) {
                  assert.fail(`expected ${errorClass.name} to be thrown, got ${String(error)}`);
                }
                if (predicate && !predicate(error)) {
                  assert.fail(`${errorClass.name} was thrown but does not match: ${error.message}`);
                }
                return error;
              }
              return assert.fail(
                `expected ${errorClass.name} to be thrown, the decider returned ${JSON.stringify(events)}`,
              );
            },
          };
        },
      }),
    };
  },
};
