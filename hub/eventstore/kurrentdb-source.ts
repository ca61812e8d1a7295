import { type AllStreamResolvedEvent, type KurrentDBClient, START } from '@kurrent/kurrentdb-client';
import type { Logger } from 'pino';
import type { SubscribeOptions } from '../kernel/event-store.js';
import {
  mapClientError,
  matchesFilter,
  serverFilter,
  toKurrentPosition,
  toRecordedEvent,
} from './kurrentdb-mapping.js';
import type { SubscriptionSource } from './kurrentdb-subscription.js';

/** A KurrentDB catch-up subscription to $all as a SubscriptionSource. `fromPosition` is exclusive on the server too. */
export function kurrentSubscriptionSource(
  client: KurrentDBClient,
  options: SubscribeOptions,
  log: Logger,
): SubscriptionSource {
  const from = options.fromPosition;
  const subscription = client.subscribeToAll({
    fromPosition: from === undefined || from === 0 ? START : toKurrentPosition(from),
    filter: serverFilter(options.filter),
  });
  return {
    start({ onEvent, onCaughtUp, onError }) {
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        const e = resolved.event;
        if (!e || !matchesFilter(e.streamId, e.type, options.filter)) return;
        try {
          const event = toRecordedEvent(e, resolved.commitPosition);
          if (from === undefined || event.position > from) onEvent(event);
        } catch (error) {
          onError(error);
        }
      });
      subscription.on('caughtUp', () => onCaughtUp());
      subscription.on('error', (error: unknown) => {
        log.warn({ err: error }, 'subscription to $all failed');
        onError(mapClientError(error));
      });
    },
    pause() {
      subscription.pause();
    },
    resume() {
      subscription.resume();
    },
    async stop() {
      await subscription.unsubscribe();
    },
  };
}
