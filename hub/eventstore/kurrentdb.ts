/**
 * KurrentDB backend of the event store port (@kurrent/kurrentdb-client). Positions are commit
 * positions of $all, revisions are stream revisions. Reads and subscriptions show only streams
 * with valid port names: system streams and `$`-typed events stay inside this module. Idempotent appends are explained in kurrentdb-append.ts.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  metastreamOf,
  START,
} from '@kurrent/kurrentdb-client';
import type { Logger } from 'pino';
import {
  ConfigError,
  HubError,
  InvalidStreamNameError,
  StoreClosedError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import {
  type AppendOptions,
  type AppendOutcome,
  type AppendRequest,
  type AppendResult,
  type EventData,
  type EventStore,
  isValidStreamName,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoreObserver,
  type StreamMetadata,
  type StreamMetadataResult,
  type SubscribeOptions,
  type Subscription,
} from '../kernel/event-store.js';
import { moduleLogger } from '../kernel/logger.js';
import { appendEach } from './append-many.js';
import { appendIdempotently, lastRevision } from './kurrentdb-append.js';
import {
  fromRawStreamMetadata,
  isEmptyFilter,
  mapClientError,
  matchesFilter,
  serverFilter,
  toKurrentPosition,
  toNumber,
  toRawStreamMetadata,
  toRecordedEvent,
} from './kurrentdb-mapping.js';
import { kurrentSubscriptionSource } from './kurrentdb-source.js';
import { QueueSubscription } from './kurrentdb-subscription.js';

export interface KurrentDbStoreOptions {
  connectionString: string;
  logger: Logger;
  observer?: StoreObserver;
}

export async function openKurrentDbEventStore(options: KurrentDbStoreOptions): Promise<EventStore> {
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(options.connectionString);
  } catch {
    throw new ConfigError('KurrentDB connection string', 'not a valid kurrentdb:// connection string');
  }
  const store = new KurrentDbEventStore(client, options);
  try {
    await store.info();
  } catch (error) {
    await client.dispose();
    throw error;
  }
  return store;
}

class KurrentDbEventStore implements EventStore {
  #client: KurrentDBClient;
  #log: Logger;
  #observer: StoreObserver | undefined;
  #closed = false;
  #pending = new Set<Promise<unknown>>();
  #subscriptions = new Set<Subscription>();

  constructor(client: KurrentDBClient, options: KurrentDbStoreOptions) {
    this.#client = client;
    this.#log = moduleLogger(options.logger, 'eventstore', { backend: 'kurrentdb' });
    this.#observer = options.observer;
  }

  async #run<T>(
    work: () => Promise<T>,
    stream?: string,
    expected?: AppendOptions['expectedRevision'],
  ): Promise<T> {
    if (this.#closed) throw new StoreClosedError();
    if (stream !== undefined && !isValidStreamName(stream)) throw new InvalidStreamNameError(stream);
    const promise = work().catch((error: unknown) => {
      throw mapClientError(error, stream, expected);
    });
    this.#pending.add(promise);
    try {
      return await promise;
    } finally {
      this.#pending.delete(promise);
    }
  }

  async append(stream: string, events: readonly EventData[], options: AppendOptions): Promise<AppendResult> {
    const started = process.hrtime.bigint();
    try {
      const result = await this.#run(
        () => appendIdempotently(this.#client, this.#log, stream, events, options.expectedRevision),
        stream,
        options.expectedRevision,
      );
      if (result.written) {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.#observer?.committed?.({ appends: 1, events: events.length, seconds });
      }
      return result;
    } catch (error) {
      this.#observer?.failed?.(error instanceof HubError ? error.code : 'UNKNOWN');
      throw error;
    }
  }

  appendMany(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return appendEach(requests, (r) => this.append(r.stream, r.events, r));
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.#run(async () => {
      const direction = options.direction ?? 'forwards';
      const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
      const events: RecordedEvent[] = [];
      for await (const resolved of this.#client.readStream(stream, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: from === 'start' ? START : from === 'end' ? END : BigInt(from),
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      })) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event, resolved.commitPosition));
      }
      if (events.length === 0 && (await this.#isDeleted(stream))) throw new StreamNotFoundError(stream);
      return events;
    }, stream);
  }

  async #isDeleted(stream: string): Promise<boolean> {
    const raw = await this.#rawMetadata(stream);
    const tb = (raw?.data as Record<string, unknown> | undefined)?.$tb;
    return typeof tb === 'number' && !Number.isSafeInteger(tb);
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.#run(async () => {
      if (isEmptyFilter(options.filter) || options.maxCount === 0) return [];
      const forwards = (options.direction ?? 'forwards') === 'forwards';
      const from = options.fromPosition;
      const events: RecordedEvent[] = [];
      const iterator = this.#client.readAll({
        direction: forwards ? FORWARDS : BACKWARDS,
        fromPosition:
          from === undefined || (forwards && from === 0) ? (forwards ? START : END) : toKurrentPosition(from),
        filter: serverFilter(options.filter),
      });
      for await (const resolved of iterator) {
        const e = resolved.event;
        if (!e || !matchesFilter(e.streamId, e.type, options.filter)) continue;
        const event = toRecordedEvent(e, resolved.commitPosition);
        if (from !== undefined && (forwards ? event.position <= from : event.position >= from)) continue;
        events.push(event);
        if (options.maxCount !== undefined && events.length >= options.maxCount) break;
      }
      return events;
    });
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    if (this.#closed) throw new StoreClosedError();
    const source = kurrentSubscriptionSource(this.#client, options, this.#log);
    const subscription: Subscription = new QueueSubscription(source, () =>
      this.#subscriptions.delete(subscription),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async #rawMetadata(stream: string): Promise<{ data: unknown; revision: number } | undefined> {
    try {
      for await (const resolved of this.#client.readStream(metastreamOf(stream), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        if (resolved.event) {
          return { data: resolved.event.data, revision: toNumber(resolved.event.revision, 'revision') };
        }
      }
      return undefined;
    } catch (error) {
      if (mapClientError(error, stream) instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  getStreamMetadata(stream: string): Promise<StreamMetadataResult> {
    return this.#run(async () => {
      const raw = await this.#rawMetadata(stream);
      return { stream, metadata: fromRawStreamMetadata(raw?.data), metadataRevision: raw?.revision ?? -1 };
    }, stream);
  }

  setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void> {
    return this.#run(async () => {
      const event = jsonEvent({ type: '$metadata', data: toRawStreamMetadata(metadata) });
      await this.#client.appendToStream(metastreamOf(stream), event);
    }, stream);
  }

  deleteStream(stream: string, { expectedRevision }: AppendOptions): Promise<void> {
    return this.#run(
      async () => {
        let revision = expectedRevision;
        if (revision === 'stream_exists') {
          const last = await lastRevision(this.#client, stream);
          if (last === 'no_stream') throw new WrongExpectedRevisionError(stream, expectedRevision, last);
          revision = last;
        }
        await this.#client.deleteStream(stream, {
          expectedRevision: revision === 'no_stream' ? 'no_stream' : BigInt(revision),
        });
      },
      stream,
      expectedRevision,
    );
  }

  info(): Promise<{ backend: 'kurrentdb'; lastPosition: number }> {
    return this.#run(async () => {
      const [last] = await this.readAll({ direction: 'backwards', maxCount: 1 });
      return { backend: 'kurrentdb', lastPosition: last?.position ?? 0 };
    });
  }

  /** KurrentDB manages its own chunks and scavenging; nothing to fold here. */
  async compact(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
    await Promise.allSettled([...this.#subscriptions].map((s) => s.close()));
    await this.#client.dispose();
  }
}
