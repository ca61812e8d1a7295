import { randomUUID } from 'node:crypto';
import { withValidation } from '../events/validating-store.js';
import { createEventValidator } from '../events/validator.js';
import type { Actor, EventStore } from '../kernel/event-store.js';
import { buildMetadata } from '../kernel/metadata.js';
import type { CommandMeta } from '../modules/agencies/decider.js';

/** Who the operator CLI writes as. */
export const CLI_ACTOR: Actor = { kind: 'operator', id: 'hub-cli' };

/** Every append the CLI makes is checked against schemas/ first. */
export const validated = (store: EventStore) => withValidation(store, createEventValidator());

/** Fresh event ids sharing one correlation id (one CLI invocation). */
export function cliMeta(now = () => new Date()): () => CommandMeta {
  const correlationId = randomUUID();
  return () => ({
    eventId: randomUUID(),
    metadata: buildMetadata({ occurredAt: now(), actor: CLI_ACTOR, correlationId }),
  });
}
