/**
 * The event store port. Every backend (embedded SQLite, KurrentDB) implements it and passes the
 * shared conformance suite in `hub/eventstore/conformance.ts`. Backend types never leak out of `hub/eventstore/`.
 *
 * Numbers: revisions and global positions are plain JavaScript numbers (safe up to 2^53).
 * Revisions count from 0 inside a stream; positions are global, strictly increasing in commit order.
 */
import type { HubError } from './errors/index.js';

/** Who or what caused an event. `official` is the acting person's staff id, never a citizen's ID number. */
export interface Actor {
  kind: 'agency' | 'citizen' | 'operator' | 'system' | 'connector';
  id: string;
  official?: string;
}

/** Where imported data came from: enough to walk lineage back to the source row. */
export interface SourceProvenance {
  connector: string;
  runId: string;
  system: string;
  table?: string;
  primaryKey?: Record<string, string | number>;
  position?: string;
  fetchedAt: string;
}

/** Provenance every event carries. Validated against schemas/envelope.schema.json before append. */
export interface EventMetadata {
  occurredAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  schemaVersion: number;
  source?: SourceProvenance;
  [extra: string]: unknown;
}

/** An event as proposed for appending. `id` is a UUID; retries must reuse it. */
export interface EventData<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

/** An event as stored. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends EventData<Type, Data> {
  stream: string;
  revision: number;
  position: number;
  /** ISO-8601 time the store committed the event. */
  recordedAt: string;
}

/**
 * What the appender believes about the stream. `'any'` is deliberately absent: every append states
 * what it expects, so concurrent writers are always detected.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | number;

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream (pass it as the next expectedRevision). */
  nextExpectedRevision: number;
  /** Global position of the last event of this append. */
  position: number;
  /** False when every event was already committed by an identical earlier append (idempotent retry). */
  written: boolean;
}

/** One append of a batch passed to `appendMany`. */
export interface AppendRequest {
  stream: string;
  events: readonly EventData[];
  expectedRevision: ExpectedRevision;
}

/** The outcome of one request of `appendMany`: its result, or the error `append` would have rejected with. */
export type AppendOutcome = AppendResult | HubError;

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: Direction;
  /** Inclusive. Default: 'start' forwards, 'end' backwards. */
  fromRevision?: number | 'start' | 'end';
  maxCount?: number;
}

export interface EventFilter {
  /** Keep events whose stream name starts with one of these prefixes (e.g. `consent-`). */
  streamPrefixes?: readonly string[];
  /** Keep events of these types only. */
  eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  direction?: Direction;
  /**
   * Exclusive checkpoint: forwards returns events with position > fromPosition (default: from the
   * beginning); backwards returns events with position < fromPosition (default: from the end).
   */
  fromPosition?: number;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: the position of the last event already processed. Omit to start from zero. */
  fromPosition?: number;
  filter?: EventFilter;
}

/**
 * A catch-up subscription: yields stored events after the checkpoint, then live events as they
 * commit, in position order, until closed. `caughtUp` resolves the first time the subscription
 * has delivered everything committed so far.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

/** Retention and custom settings of a stream (the subset both backends share). */
export interface StreamMetadata {
  /** Events with revision < truncateBefore are no longer readable. */
  truncateBefore?: number;
  /** Keep at most this many most recent events readable. */
  maxCount?: number;
  /** Events older than this many seconds are no longer readable. */
  maxAgeSeconds?: number;
  custom?: Record<string, unknown>;
}

export interface StreamMetadataResult {
  stream: string;
  metadata: StreamMetadata;
  /** Revision of the metadata itself (-1 when never set). */
  metadataRevision: number;
}

export interface StoreInfo {
  backend: 'sqlite' | 'kurrentdb';
  /** Position of the last committed event (0 when empty). */
  lastPosition: number;
}

/**
 * A field of an event a reader asks for: `id` (the event id), `stream`, a key path into the
 * event's `data` or `metadata` (`data.procedure.code`, `metadata.occurredAt`; keys of letters,
 * digits and `_`), or `data` or `metadata` whole (as JSON text).
 */
export type FieldPath = 'id' | 'stream' | 'data' | 'metadata' | `data.${string}` | `metadata.${string}`;

/**
 * A read of chosen fields instead of whole events (what a projection's rebuild declares it needs):
 * only events of the named types, each as one row of its type's fields, in position order. Stores
 * that can extract fields where the events lie (SQLite, with its JSON functions) never decode whole
 * events; the others decode and pick (`readEventFields` in `event-fields.ts` does it for them).
 */
export interface FieldsQuery {
  /** The event types read, each with the fields its rows carry, in that order. */
  types: Readonly<Record<string, readonly FieldPath[]>>;
  /** Keep events whose stream name starts with one of these prefixes. */
  streamPrefixes?: readonly string[];
  /** Exclusive: events with position > fromPosition (default: from the beginning). */
  fromPosition?: number;
  /** Inclusive: events with position <= upTo (default: to the end). */
  upTo?: number;
  /** At most this many rows (a store may examine more events, those a partition leaves out). */
  maxCount?: number;
  partition?: FieldsPartition;
}

/**
 * One of `count` disjoint parts of a fields read, so that several readers (threads) can share it:
 * an event of a type named in `keys` belongs to part `partitionOf(its key field, count)`; events of
 * the other types go to every part.
 */
export interface FieldsPartition {
  count: number;
  index: number;
  keys: Readonly<Record<string, FieldPath>>;
}

/**
 * One event of a fields read: `[position, revision, type, ...values]`, a value per field of its
 * type in order (a row may carry more values after them: ignore them). Values are as SQLite's `->>` gives them: strings and numbers as they are, booleans as 1 or
 * 0, null for null or a missing key, objects and arrays as their JSON text.
 */
export type FieldsRow = [position: number, revision: number, type: string, ...values: unknown[]];

export interface FieldsPage {
  rows: FieldsRow[];
  /** Position of the last event examined (the next page starts after it); `fromPosition` when none. */
  last: number;
  /** False when nothing is left up to `upTo` (or the end of the log); true may still lead to an empty page. */
  more: boolean;
}

/** How another thread opens a read-only view of the same store (`openStoreReader` in hub/eventstore). */
export interface StoreReaderSpec {
  backend: 'sqlite';
  file: string;
}

export interface EventStore {
  append(stream: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Many appends at once, each atomic and independent exactly as if passed to `append` (one
   * request's conflict or invalid event never affects another), resolved together once all are
   * durable: one commit on SQLite, concurrent appends on KurrentDB. Outcomes come in request order;
   * a failed request's outcome is the HubError `append` would have rejected with. Rejects only when
   * the call as a whole is refused (store closed).
   */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendOutcome[]>;
  /** Throws StreamNotFoundError when the stream has no readable events and was never written or was deleted. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Optional: a fields read done by the store itself (see `FieldsQuery`). Callers use
   * `readEventFields`, which falls back to `readAll` and picks the fields when a store has none.
   */
  readFields?(query: FieldsQuery): Promise<FieldsPage>;
  /** Optional: how other threads can read this store themselves (parallel rebuilds); absent when they cannot. */
  readerSpec?(): StoreReaderSpec;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  getStreamMetadata(stream: string): Promise<StreamMetadataResult>;
  setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void>;
  /**
   * Soft delete: the stream reads as not found; appending again (expecting 'no_stream') recreates
   * it with revisions continuing after the last one.
   */
  deleteStream(stream: string, options: AppendOptions): Promise<void>;
  info(): Promise<StoreInfo>;
  /**
   * Folds what the backend holds in a write-ahead log into its main file and truncates the log, so
   * no superseded page survives there (erasure calls it after deleting a subject's key). Backends
   * without such a log do nothing.
   */
  compact(): Promise<void>;
  /** Finishes pending appends, then releases resources. Further calls reject with StoreClosedError. */
  close(): Promise<void>;
}

const STREAM_NAME = /^[a-z][a-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:~-]{0,190}$/;

/** `<category>-<id>`: lowercase category, no `$` system prefix, no whitespace. */
export function isValidStreamName(stream: string): boolean {
  return STREAM_NAME.test(stream);
}

export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}

/** Hooks a backend calls so the service can export metrics without the store knowing Prometheus. */
export interface StoreObserver {
  /** One durable commit: how many append calls it served, how many events it wrote, how long it took. */
  committed?(stats: { appends: number; events: number; seconds: number }): void;
  /** An append call failed with this error code. */
  failed?(code: string): void;
}
