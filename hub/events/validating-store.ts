import type { EventStore } from '../eventstore/event-store.js';
import type { EventValidator } from './validator.js';

/**
 * Wraps a store so that every appended event is validated against its schema first. One invalid
 * event rejects the whole append before anything reaches the store.
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
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    getStreamMetadata: (stream) => store.getStreamMetadata(stream),
    setStreamMetadata: (stream, metadata) => store.setStreamMetadata(stream, metadata),
    deleteStream: (stream, options) => store.deleteStream(stream, options),
    info: () => store.info(),
    close: () => store.close(),
  };
}
