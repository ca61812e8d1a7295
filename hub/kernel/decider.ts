/**
 * Runs commands through a pure decider from its initial state, folding each decision into the state
 * before the next command: the events a fresh stream would receive, without touching a store.
 */
export function decideAll<Command, State, Event>(
  decider: {
    decide: (command: Command, state: State) => readonly Event[];
    evolve: (state: State, event: Event) => State;
    initialState: State;
  },
  commands: readonly Command[],
): Event[] {
  let state = decider.initialState;
  const events: Event[] = [];
  for (const command of commands) {
    for (const event of decider.decide(command, state)) {
      state = decider.evolve(state, event);
      events.push(event);
    }
  }
  return events;
}
