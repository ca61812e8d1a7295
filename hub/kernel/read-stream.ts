import { StreamNotFoundError } from './errors/index.js';
import type { EventStore, ReadStreamOptions, RecordedEvent } from './event-store.js';

/** A stream's events as `readStream` gives them, or none when the stream does not exist. */
export async function readStreamOrNone(
  store: EventStore,
  stream: string,
  options?: ReadStreamOptions,
): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(stream, options);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}
