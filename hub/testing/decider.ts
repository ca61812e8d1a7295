import type { EventData } from '../kernel/event-store.js';
import { buildMetadata } from '../kernel/metadata.js';

/**
 * What decider tests hand a command and expect back, all at `now` by operator `operator`:
 * `meta(n)`, the command context with event id number `n`; `event(n, type, data)`, the event
 * recorded with that context.
 */
export function deciderFixtures<E extends EventData>(now: string, operator: string) {
  const meta = (n: number) => ({
    now,
    eventId: `00000000-0000-4000-8000-00000000000${n}`,
    metadata: buildMetadata({
      occurredAt: now,
      actor: { kind: 'operator', id: operator },
      correlationId: 'c',
    }),
  });
  const event = (n: number, type: E['type'], data: E['data']) =>
    ({ id: meta(n).eventId, type, data, metadata: meta(n).metadata }) as E;
  return { meta, event };
}
