/**
 * Pure translations between the event store port and the KurrentDB client: revisions (number ↔
 * bigint), positions (number ↔ { commit, prepare }), expected revisions, filters, stream metadata,
 * recorded events and client errors. Nothing here talks to a server.
 */
import { createHash } from 'node:crypto';
import {
  type AllStreamRecordedEvent,
  type AppendStreamState,
  type CurrentStreamState,
  ErrorType,
  eventTypeFilter,
  type Filter,
  type RecordedEvent as KurrentRecordedEvent,
  NO_STREAM,
  type Position,
  STREAM_EXISTS,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import {
  HubError,
  InvalidAppendError,
  StoreUnavailableError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import {
  type EventData,
  type EventFilter,
  type EventMetadata,
  type ExpectedRevision,
  isValidStreamName,
  type RecordedEvent,
  type StreamMetadata,
} from '../kernel/event-store.js';

/** Metadata keys this backend adds to every event and strips again when reading. */
export const CONTENT_HASH_KEY = '$contentHash';
export const APPEND_ID_KEY = '$appendId';

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

export function toNumber(value: bigint, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new StoreUnavailableError(`${what} ${value} exceeds the safe integer range of the port`);
  }
  return n;
}

/** The port's positions are KurrentDB commit positions; prepare equals commit for committed events. */
export function toKurrentPosition(position: number): Position {
  const p = BigInt(position);
  return { commit: p, prepare: p };
}

export function fromKurrentPosition(position: Position): number {
  return toNumber(position.commit, 'position');
}

/** A current stream state from the server: a revision, or 'no_stream' (also for deleted streams, reported as negative). */
export function toActualRevision(state: CurrentStreamState | undefined): number | 'no_stream' {
  if (typeof state !== 'bigint' || state < 0n) return 'no_stream';
  return toNumber(state, 'revision');
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value ?? null))));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

export function contentHash(event: Pick<EventData, 'type' | 'data' | 'metadata'>): string {
  const metadata = stripReserved(event.metadata);
  return createHash('sha256')
    .update(canonicalJson({ type: event.type, data: event.data, metadata }))
    .digest('hex');
}

export function stripReserved(metadata: unknown): EventMetadata {
  const {
    [CONTENT_HASH_KEY]: _hash,
    [APPEND_ID_KEY]: _append,
    ...rest
  } = (metadata ?? {}) as Record<string, unknown>;
  return rest as EventMetadata;
}

export function withReserved(event: EventData, appendId: string): Record<string, unknown> {
  return { ...event.metadata, [CONTENT_HASH_KEY]: contentHash(event), [APPEND_ID_KEY]: appendId };
}

export function reservedOf(metadata: unknown): { contentHash?: string; appendId?: string } {
  const m = (metadata ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { contentHash: str(m[CONTENT_HASH_KEY]), appendId: str(m[APPEND_ID_KEY]) };
}

export type StoredCopy = Pick<RecordedEvent, 'id' | 'metadata'> & { hash?: string; appendId?: string };

export type AppendOutcome =
  | { kind: 'written' }
  | { kind: 'retry' }
  | { kind: 'conflict'; eventId: string; reason: string }
  | { kind: 'absent' };

/**
 * Decides what the events stored where a batch would land say about that batch: written by this
 * call (its append id), an identical earlier append (same ids and content hashes), a conflicting
 * reuse of ids, or not there at all.
 */
export function classifyStored(
  batch: readonly EventData[],
  stored: readonly StoredCopy[],
  appendId: string,
): AppendOutcome {
  if (stored.length === 0 || stored[0]?.id !== batch[0]?.id) return { kind: 'absent' };
  if (stored.length === batch.length && stored.every((s) => s.appendId === appendId))
    return { kind: 'written' };
  for (const [i, event] of batch.entries()) {
    const copy = stored[i];
    if (!copy || copy.id !== event.id) {
      return {
        kind: 'conflict',
        eventId: event.id,
        reason: 'an earlier append with these ids had a different batch',
      };
    }
    if (copy.hash !== contentHash(event)) {
      return {
        kind: 'conflict',
        eventId: event.id,
        reason: 'an earlier event with this id has different content',
      };
    }
  }
  return { kind: 'retry' };
}

export function assertDistinctIds(stream: string, events: readonly EventData[]): void {
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id))
      throw new InvalidAppendError(`stream ${stream}: event id ${e.id} appears twice in one append`);
    seen.add(e.id);
  }
}

/** System streams and events, and the backend's own bookkeeping streams: nothing the port wrote. */
export function isSystemEvent(stream: string, type: string): boolean {
  return !isValidStreamName(stream) || type.startsWith('$');
}

export function matchesFilter(stream: string, type: string, filter: EventFilter | undefined): boolean {
  if (isSystemEvent(stream, type)) return false;
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((p) => stream.startsWith(p))) return false;
  if (filter?.eventTypes && !filter.eventTypes.includes(type)) return false;
  return true;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The server-side filter that narrows $all the most: KurrentDB filters on stream name or event
 * type, never both, so `matchesFilter` applies the rest on the client.
 */
export function serverFilter(filter: EventFilter | undefined): Filter {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes?.length) {
    return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  return streamNameFilter({ regex: PORT_STREAM });
}

/** Server-side approximation of isValidStreamName: a lowercase category, then a dash. */
export const PORT_STREAM = '^[a-z][a-z0-9]*-';

export function isEmptyFilter(filter: EventFilter | undefined): boolean {
  return filter?.streamPrefixes?.length === 0 || filter?.eventTypes?.length === 0;
}

export function toRecordedEvent(event: KurrentRecordedEvent, commitPosition?: bigint): RecordedEvent {
  const position = event.position ? event.position.commit : commitPosition;
  if (position === undefined) {
    throw new StoreUnavailableError('the server did not report event positions (KurrentDB >= 22.6 required)');
  }
  return {
    id: event.id,
    type: event.type,
    data: event.isJson ? event.data : Buffer.from(event.data as Uint8Array).toString('base64'),
    metadata: stripReserved(event.metadata),
    stream: event.streamId,
    revision: toNumber(event.revision, 'revision'),
    position: toNumber(position, 'position'),
    recordedAt: event.created.toISOString(),
  };
}

export type AllEvent = AllStreamRecordedEvent;

const TB = '$tb';
const MAX_COUNT = '$maxCount';
const MAX_AGE = '$maxAge';

/** The JSON body of a `$metadata` event in `$$<stream>`. Custom keys are kept at the top level. */
export function toRawStreamMetadata(metadata: StreamMetadata): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata.custom ?? {})) {
    if (key.startsWith('$'))
      throw new InvalidAppendError(`custom stream metadata key ${key} must not start with $`);
    raw[key] = value;
  }
  if (metadata.truncateBefore !== undefined) raw[TB] = metadata.truncateBefore;
  if (metadata.maxCount !== undefined) raw[MAX_COUNT] = metadata.maxCount;
  if (metadata.maxAgeSeconds !== undefined) raw[MAX_AGE] = metadata.maxAgeSeconds;
  return raw;
}

export function fromRawStreamMetadata(raw: unknown): StreamMetadata {
  const metadata: StreamMetadata = {};
  const custom: Record<string, unknown> = {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    if (key === TB) metadata.truncateBefore = num(value);
    else if (key === MAX_COUNT) metadata.maxCount = num(value);
    else if (key === MAX_AGE) metadata.maxAgeSeconds = num(value);
    else if (!key.startsWith('$')) custom[key] = value;
  }
  for (const key of ['truncateBefore', 'maxCount', 'maxAgeSeconds'] as const) {
    if (metadata[key] === undefined) delete metadata[key];
  }
  if (Object.keys(custom).length > 0) metadata.custom = custom;
  return metadata;
}

const UNAVAILABLE_TYPES: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
]);
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** Translates a client error into the port's errors; other errors pass through unchanged. */
export function mapClientError(error: unknown, stream?: string, expected?: ExpectedRevision): unknown {
  if (error instanceof HubError || !(error instanceof Error)) return error;
  const e = error as Error & { type?: string; code?: number; actualState?: CurrentStreamState };
  if (e.type === ErrorType.WRONG_EXPECTED_VERSION && stream !== undefined) {
    return new WrongExpectedRevisionError(stream, expected ?? 'any', toActualRevision(e.actualState));
  }
  if (
    (e.type === ErrorType.STREAM_NOT_FOUND || e.type === ErrorType.STREAM_DELETED) &&
    stream !== undefined
  ) {
    return new StreamNotFoundError(stream);
  }
  if (
    (e.type !== undefined && UNAVAILABLE_TYPES.has(e.type)) ||
    e.code === GRPC_UNAVAILABLE ||
    e.code === GRPC_DEADLINE_EXCEEDED ||
    /^Failed to discover/.test(e.message)
  ) {
    return new StoreUnavailableError(`KurrentDB unavailable: ${e.message.split('.')[0]}`);
  }
  return error;
}
