import { randomUUID } from 'node:crypto';
import { withValidation } from '../events/validating-store.js';
import { createEventValidator } from '../events/validator.js';
import type { Actor, EventMetadata, EventStore } from '../kernel/event-store.js';
import { buildMetadata } from '../kernel/metadata.js';

/** Who the operator CLI writes as. */
export const CLI_ACTOR: Actor = { kind: 'operator', id: 'hub-cli' };

/** Every append the CLI makes is checked against schemas/ first. */
export const validated = (store: EventStore) => withValidation(store, createEventValidator());

/** Id and metadata of the next event a command writes (what deciders take as `CommandMeta`). */
export interface CliEventMeta {
  eventId: string;
  metadata: EventMetadata;
}

/** Fresh event ids sharing one correlation id (one CLI invocation). */
export function cliMeta(now = () => new Date()): () => CliEventMeta {
  const correlationId = randomUUID();
  return () => ({
    eventId: randomUUID(),
    metadata: buildMetadata({ occurredAt: now(), actor: CLI_ACTOR, correlationId }),
  });
}
