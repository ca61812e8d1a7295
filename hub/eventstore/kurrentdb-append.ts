/**
 * Idempotent appends to KurrentDB, with the port's semantics (as the embedded store):
 * KurrentDB acknowledges a repeated append whose ids already sit where the batch would land, but it
 * compares ids only and says nothing about whether it wrote. So every event carries two reserved
 * metadata keys, stripped on read: `$contentHash` (SHA-256 of the canonical JSON of type, data and
 * metadata) and `$appendId` (a UUID per call). After the append the acknowledged revisions are read
 * back: this call's `$appendId` means written; another one with equal hashes means the server
 * acknowledged an earlier identical append (`written: false`); other content is an
 * EventIdConflictError. On WrongExpectedVersion the revisions the batch expected to occupy are read
 * the same way, so a retry with a stale expected revision is recognised too.
 */
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  FORWARDS,
  type JSONType,
  jsonEvent,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import type { Logger } from 'pino';
import {
  EventIdConflictError,
  InvalidAppendError,
  InvalidStreamNameError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import {
  type AppendResult,
  type EventData,
  type ExpectedRevision,
  isValidStreamName,
  type RecordedEvent,
} from '../kernel/event-store.js';
import {
  assertDistinctIds,
  classifyStored,
  mapClientError,
  reservedOf,
  type StoredCopy,
  toActualRevision,
  toNumber,
  toRecordedEvent,
  toStreamState,
  withReserved,
} from './kurrentdb-mapping.js';

function lastPosition(stored: readonly RecordedEvent[]): number {
  return stored.at(-1)?.position ?? 0;
}

export async function appendIdempotently(
  client: KurrentDBClient,
  log: Logger,
  stream: string,
  events: readonly EventData[],
  expectedRevision: ExpectedRevision,
): Promise<AppendResult> {
  if (!isValidStreamName(stream)) throw new InvalidStreamNameError(stream);
  if (events.length === 0)
    throw new InvalidAppendError(`stream ${stream}: an append needs at least one event`);
  assertDistinctIds(stream, events);
  const appendId = randomUUID();
  const proposed = events.map((e) =>
    jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: withReserved(e, appendId) }),
  );
  let next: number;
  let reported: bigint | undefined;
  try {
    const result = await client.appendToStream(stream, proposed, {
      streamState: toStreamState(expectedRevision),
    });
    next = toNumber(result.nextExpectedRevision, 'revision');
    reported = result.position?.commit;
  } catch (error) {
    const mapped = mapClientError(error, stream, expectedRevision);
    if (!(mapped instanceof WrongExpectedRevisionError)) throw mapped;
    if (expectedRevision === 'stream_exists') throw await withActual(client, mapped);
    const first = expectedRevision === 'no_stream' ? 0 : expectedRevision + 1;
    const stored = await storedCopies(client, stream, first, events.length);
    const outcome = classifyStored(events, stored, appendId);
    if (outcome.kind === 'conflict') throw new EventIdConflictError(outcome.eventId, stream, outcome.reason);
    if (outcome.kind !== 'retry') throw await withActual(client, mapped);
    log.info({ stream, events: events.length }, 'identical append already committed');
    return {
      nextExpectedRevision: first + events.length - 1,
      position: lastPosition(stored),
      written: false,
    };
  }
  const stored = await storedCopies(client, stream, next - events.length + 1, events.length);
  const outcome = classifyStored(events, stored, appendId);
  if (outcome.kind === 'conflict') throw new EventIdConflictError(outcome.eventId, stream, outcome.reason);
  if (outcome.kind === 'retry') {
    log.info({ stream, events: events.length }, 'identical append already committed');
    return { nextExpectedRevision: next, position: lastPosition(stored), written: false };
  }
  const position =
    outcome.kind === 'written' || reported === undefined
      ? lastPosition(stored)
      : toNumber(reported, 'position');
  return { nextExpectedRevision: next, position, written: true };
}

async function storedCopies(
  client: KurrentDBClient,
  stream: string,
  fromRevision: number,
  count: number,
): Promise<(StoredCopy & RecordedEvent)[]> {
  if (fromRevision < 0) return [];
  try {
    const copies: (StoredCopy & RecordedEvent)[] = [];
    for await (const resolved of client.readStream(stream, {
      fromRevision: BigInt(fromRevision),
      maxCount: count,
      direction: FORWARDS,
    })) {
      if (!resolved.event) continue;
      const { contentHash: hash, appendId } = reservedOf(resolved.event.metadata);
      copies.push({ ...toRecordedEvent(resolved.event, resolved.commitPosition), hash, appendId });
    }
    return copies;
  } catch (error) {
    if (mapClientError(error, stream) instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/** The server's WrongExpectedVersion may report a deleted stream's last revision; the port says 'no_stream'. */
async function withActual(
  client: KurrentDBClient,
  error: WrongExpectedRevisionError,
): Promise<WrongExpectedRevisionError> {
  if (error.actual === 'no_stream') return error;
  const last = await lastRevision(client, error.stream);
  return new WrongExpectedRevisionError(error.stream, error.expected, last);
}

export async function lastRevision(client: KurrentDBClient, stream: string): Promise<number | 'no_stream'> {
  try {
    for await (const resolved of client.readStream(stream, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    })) {
      if (resolved.event) return toActualRevision(resolved.event.revision);
    }
    return 'no_stream';
  } catch (error) {
    if (mapClientError(error, stream) instanceof StreamNotFoundError) return 'no_stream';
    throw error;
  }
}
