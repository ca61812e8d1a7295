import { HubError } from '../kernel/errors/index.js';
import type { AppendOutcome, EventStore } from '../kernel/event-store.js';
import type { EventValidator } from './validator.js';

/**
 * Wraps a store so that every appended event is validated against its schema first. One invalid
 * event rejects the whole append before anything reaches the store (in `appendMany`, that
 * request's outcome is the validation error; the others go ahead).
 */
export function withValidation(store: EventStore, validator: EventValidator): EventStore {
  return {
    append(stream, events, options) {
      try {
        for (const event of events) validator.validate(event);
      } catch (err) {
        return Promise.reject(err);
      }
      return store.append(stream, events, options);
    },
    async appendMany(requests) {
      const outcomes: (AppendOutcome | undefined)[] = requests.map((r) => {
        try {
          for (const event of r.events) validator.validate(event);
          return undefined;
        } catch (err) {
          if (err instanceof HubError) return err;
          throw err;
        }
      });
      const valid = requests.filter((_, i) => outcomes[i] === undefined);
      const appended = valid.length > 0 ? await store.appendMany(valid) : [];
      let next = 0;
      return outcomes.map((o) => o ?? appended[next++]!);
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    ...(store.readFields && { readFields: (query) => store.readFields!(query) }),
    ...(store.readerSpec && { readerSpec: () => store.readerSpec!() }),
    subscribeToAll: (options) => store.subscribeToAll(options),
    getStreamMetadata: (stream) => store.getStreamMetadata(stream),
    setStreamMetadata: (stream, metadata) => store.setStreamMetadata(stream, metadata),
    deleteStream: (stream, options) => store.deleteStream(stream, options),
    info: () => store.info(),
    compact: () => store.compact(),
    close: () => store.close(),
  };
}
