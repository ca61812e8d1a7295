import type { Actor, EventMetadata, SourceProvenance } from './event-store.js';

export interface MetadataInput {
  /** When the fact happened; a Date or an ISO-8601 string with offset. */
  occurredAt: Date | string;
  actor: Actor;
  correlationId: string;
  /** Id of the event or command that caused this one; omit (or null) for an originating event. */
  causationId?: string | null;
  /** Default 1. */
  schemaVersion?: number;
  source?: SourceProvenance;
  /** Further keys carried along (e.g. `traceId`). Cannot override the standard keys. */
  extra?: Record<string, unknown>;
}

/** Builds event metadata from values passed in (time and ids never read here, so deciders stay pure). */
export function buildMetadata(input: MetadataInput): EventMetadata {
  return {
    ...input.extra,
    occurredAt: typeof input.occurredAt === 'string' ? input.occurredAt : input.occurredAt.toISOString(),
    actor: { ...input.actor },
    correlationId: input.correlationId,
    causationId: input.causationId ?? null,
    schemaVersion: input.schemaVersion ?? 1,
    ...(input.source ? { source: { ...input.source } } : {}),
  };
}

/** Metadata for an event caused by `cause`: same correlation, causation = the cause's event id. */
export function followUpMetadata(
  cause: { id: string; metadata: Pick<EventMetadata, 'correlationId'> },
  input: Omit<MetadataInput, 'correlationId' | 'causationId'>,
): EventMetadata {
  return buildMetadata({ ...input, correlationId: cause.metadata.correlationId, causationId: cause.id });
}
