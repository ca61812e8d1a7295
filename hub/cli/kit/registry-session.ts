import { withValidation } from '../../events/validating-store.js';
import { createEventValidator } from '../../events/validator.js';
import { type Clock, systemClock } from '../../kernel/clock.js';
import { batchMeta, type CommandMeta } from '../../kernel/decider/index.js';
import type { Actor, EventStore } from '../../kernel/event-store.js';

/** Who the operator CLI writes as. */
export const CLI_ACTOR: Actor = { kind: 'operator', id: 'hub-cli' };

/** Every append the CLI makes is checked against schemas/ first. */
export const validated = (store: EventStore) => withValidation(store, createEventValidator());

/** Fresh event ids sharing one correlation id (one CLI invocation). */
export const cliMeta = (clock: Clock = systemClock): (() => CommandMeta) =>
  batchMeta({ actor: CLI_ACTOR, clock });
