import { StreamNotFoundError } from '../hub/kernel/errors/index.js';
import type { EventStore, RecordedEvent } from '../hub/kernel/event-store.js';
import { type ConnectorRowRejectedData, deadLetterStream } from './kit/events.js';

/** A dead letter as `deadletters` lists it (newest first). */
export interface DeadLetter extends ConnectorRowRejectedData {
  /** Revision in `deadletter-<name>`. */
  revision: number;
  at: string;
}

export interface DeadLetterQuery {
  /** Only letters with an issue whose message contains this (any letter case). */
  reason?: string;
  /** Only letters with an issue at this field (`dateOfBirth`, `/permanentResidence/address`, `household.householdId`) or below it. */
  field?: string;
  /** Only letters of this source table. */
  stream?: string;
  /** Letters per page (default: all). */
  limit?: number;
  /** 1-based page (default 1). */
  page?: number;
}

/** A connector's dead letters, newest first, filtered, one page; `total` counts every match. */
export async function readDeadLetters(
  store: EventStore,
  connector: string,
  q: DeadLetterQuery = {},
): Promise<{ total: number; letters: DeadLetter[] }> {
  const matching: DeadLetter[] = [];
  const keep = letterFilter(q);
  for await (const e of backwards(store, deadLetterStream(connector))) {
    const letter: DeadLetter = {
      ...(e.data as ConnectorRowRejectedData),
      revision: e.revision,
      at: e.metadata.occurredAt,
    };
    if (keep(letter)) matching.push(letter);
  }
  const limit = q.limit ?? matching.length;
  const from = ((q.page ?? 1) - 1) * limit;
  return { total: matching.length, letters: matching.slice(from, from + limit) };
}

const asPointer = (field: string) => (field.startsWith('/') ? field : `/${field.replaceAll('.', '/')}`);

function letterFilter(q: DeadLetterQuery): (l: DeadLetter) => boolean {
  const reason = q.reason?.toLowerCase();
  const field = q.field ? asPointer(q.field) : undefined;
  return (l) =>
    (!q.stream || l.stream === q.stream) &&
    l.issues.some(
      (i) =>
        (!reason || i.message.toLowerCase().includes(reason)) &&
        (!field || i.path === field || i.path.startsWith(`${field}/`)),
    );
}

/** A stream's events, newest first, read in pages. */
async function* backwards(store: EventStore, stream: string, page = 1000): AsyncGenerator<RecordedEvent> {
  let from: number | 'end' = 'end';
  for (;;) {
    let events: RecordedEvent[];
    try {
      events = await store.readStream(stream, { direction: 'backwards', fromRevision: from, maxCount: page });
    } catch (e) {
      if (e instanceof StreamNotFoundError) return;
      throw e;
    }
    yield* events;
    const last = events.at(-1);
    if (events.length < page || !last || last.revision === 0) return;
    from = last.revision - 1;
  }
}
