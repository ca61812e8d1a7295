import { randomUUID } from 'node:crypto';
import net from 'node:net';
import {
  StreamNotFoundError as KurrentStreamNotFoundError,
  NO_STREAM,
  STREAM_EXISTS,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  InvalidAppendError,
  StoreUnavailableError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import type { EventData } from '../kernel/event-store.js';
import { eventStoreConformance } from './conformance.js';
import { openKurrentDbEventStore } from './kurrentdb.js';
import {
  APPEND_ID_KEY,
  assertDistinctIds,
  CONTENT_HASH_KEY,
  classifyStored,
  contentHash,
  fromKurrentPosition,
  fromRawStreamMetadata,
  mapClientError,
  matchesFilter,
  serverFilter,
  toActualRevision,
  toKurrentPosition,
  toRawStreamMetadata,
  toRecordedEvent,
  toStreamState,
  withReserved,
} from './kurrentdb-mapping.js';
import { namespacedName, namespacedStore, outerName } from './kurrentdb-namespace.js';

const logger = pino({ level: 'silent' });
const url = process.env.KURRENTDB_URL;

describe.skipIf(!url)('KurrentDB backend against KURRENTDB_URL', () => {
  const run = `t${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  let opened = 0;
  eventStoreConformance('kurrentdb', async () => {
    const store = await openKurrentDbEventStore({ connectionString: url ?? '', logger });
    const subject = namespacedStore(store, `${run}n${++opened}`);
    return { store: subject, cleanup: () => subject.close() };
  });
});

function event(overrides: Partial<EventData> = {}): EventData {
  return {
    id: randomUUID(),
    type: 'ConsentGranted',
    data: { purpose: 'tax', scopes: ['income', 'address'] },
    metadata: {
      occurredAt: '2026-11-22T03:00:00.000Z',
      actor: { kind: 'agency', id: 'gdt' },
      correlationId: 'c-1',
      causationId: null,
      schemaVersion: 1,
    },
    ...overrides,
  };
}

describe('revision and position mapping', () => {
  it('maps expected revisions to stream states', () => {
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState('stream_exists')).toBe(STREAM_EXISTS);
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
  });

  it('round-trips positions through commit/prepare and rejects unsafe ones', () => {
    expect(toKurrentPosition(1_234_567)).toEqual({ commit: 1_234_567n, prepare: 1_234_567n });
    expect(fromKurrentPosition({ commit: 98_765n, prepare: 98_700n })).toBe(98_765);
    expect(() => fromKurrentPosition({ commit: 2n ** 60n, prepare: 2n ** 60n })).toThrow(
      StoreUnavailableError,
    );
  });

  it("reports a missing or deleted stream's actual revision as 'no_stream'", () => {
    expect(toActualRevision(7n)).toBe(7);
    expect(toActualRevision(0n)).toBe(0);
    expect(toActualRevision(NO_STREAM)).toBe('no_stream');
    expect(toActualRevision(-5n)).toBe('no_stream');
    expect(toActualRevision(undefined)).toBe('no_stream');
  });
});

describe('client error mapping', () => {
  it('turns WrongExpectedVersion into WrongExpectedRevisionError with the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, {
      streamName: 'consent-1',
      expected: 2n,
      current: 4n,
    });
    const mapped = mapClientError(error, 'consent-1', 2);
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect((mapped as WrongExpectedRevisionError).details()).toEqual({
      stream: 'consent-1',
      expected: 2,
      actual: 4,
    });
    const fresh = new WrongExpectedVersionError(undefined, {
      streamName: 'consent-2',
      expected: STREAM_EXISTS,
      current: NO_STREAM,
    });
    expect((mapClientError(fresh, 'consent-2', 'stream_exists') as WrongExpectedRevisionError).actual).toBe(
      'no_stream',
    );
  });

  it('turns stream-not-found into the port error and outages into a retryable error', () => {
    const notFound = mapClientError(new KurrentStreamNotFoundError(undefined, 'consent-9'), 'consent-9');
    expect(notFound).toBeInstanceOf(StreamNotFoundError);
    expect((notFound as StreamNotFoundError).stream).toBe('consent-9');
    const down = mapClientError(new UnavailableError());
    expect(down).toBeInstanceOf(StoreUnavailableError);
    expect((down as StoreUnavailableError).retryable).toBe(true);
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    expect(mapClientError(grpc)).toBeInstanceOf(StoreUnavailableError);
    const other = new Error('something else');
    expect(mapClientError(other)).toBe(other);
  });

  it('rejects opening an unreachable server with StoreUnavailableError', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    await expect(
      openKurrentDbEventStore({
        connectionString: `kurrentdb://127.0.0.1:${port}?tls=false&defaultDeadline=5000`,
        logger,
      }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('rejects a malformed connection string without echoing its secrets', async () => {
    const attempt = openKurrentDbEventStore({ connectionString: 'mysql://admin:s3cret@db:2113', logger });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});

describe('content hash and idempotency decisions', () => {
  it('hashes content independently of key order and reserved keys, but not of content', () => {
    const a = event();
    const reordered = { ...a, data: { scopes: ['income', 'address'], purpose: 'tax' } };
    expect(contentHash(reordered)).toBe(contentHash(a));
    expect(contentHash({ ...a, metadata: withReserved(a, randomUUID()) as EventData['metadata'] })).toBe(
      contentHash(a),
    );
    expect(contentHash({ ...a, data: { purpose: 'tax', scopes: ['address', 'income'] } })).not.toBe(
      contentHash(a),
    );
    expect(contentHash({ ...a, type: 'ConsentWithdrawn' })).not.toBe(contentHash(a));
    expect(contentHash({ ...a, metadata: { ...a.metadata, correlationId: 'c-2' } })).not.toBe(contentHash(a));
  });

  const batch = [event(), event()];
  const stored = (appendId: string, events = batch) =>
    events.map((e) => ({ id: e.id, metadata: e.metadata, hash: contentHash(e), appendId }));

  it('recognises a batch this call wrote, an identical retry and a conflicting reuse', () => {
    expect(classifyStored(batch, stored('me'), 'me')).toEqual({ kind: 'written' });
    expect(classifyStored(batch, stored('earlier'), 'me')).toEqual({ kind: 'retry' });
    const changed = [batch[0] as EventData, { ...(batch[1] as EventData), data: { purpose: 'health' } }];
    expect(classifyStored(changed, stored('earlier'), 'me')).toMatchObject({
      kind: 'conflict',
      eventId: batch[1]?.id,
    });
    const longer = [...batch, event()];
    expect(classifyStored(longer, stored('earlier'), 'me')).toMatchObject({ kind: 'conflict' });
    expect(classifyStored(batch, stored('other', [event()]), 'me')).toEqual({ kind: 'absent' });
    expect(classifyStored(batch, [], 'me')).toEqual({ kind: 'absent' });
  });

  it('refuses an append that repeats an id within the batch', () => {
    const e = event();
    expect(() => assertDistinctIds('consent-1', [e, { ...e }])).toThrow(InvalidAppendError);
    expect(() => assertDistinctIds('consent-1', [e, event()])).not.toThrow();
  });
});

describe('system events and filters', () => {
  it('keeps system streams and $-typed events out, then applies prefixes and types', () => {
    expect(matchesFilter('$$consent-1', '$metadata', undefined)).toBe(false);
    expect(matchesFilter('$stats-127.0.0.1:2113', 'StatsCollected', undefined)).toBe(false);
    expect(matchesFilter('consent-1', '$>', undefined)).toBe(false);
    expect(matchesFilter('consent-1', 'ConsentGranted', undefined)).toBe(true);
    const filter = { streamPrefixes: ['consent-'], eventTypes: ['ConsentGranted'] };
    expect(matchesFilter('consent-1', 'ConsentGranted', filter)).toBe(true);
    expect(matchesFilter('consent-1', 'ConsentWithdrawn', filter)).toBe(false);
    expect(matchesFilter('dossier-1', 'ConsentGranted', filter)).toBe(false);
    expect(matchesFilter('consent-1', 'ConsentGranted', { streamPrefixes: [] })).toBe(false);
  });

  it('asks the server for the narrowest filter it supports', () => {
    expect(serverFilter({ streamPrefixes: ['consent-'], eventTypes: ['A'] })).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['consent-'],
    });
    const byType = serverFilter({ eventTypes: ['Dossier.Received', 'ConsentGranted'] });
    expect(byType).toMatchObject({ filterOn: 'eventType' });
    const regex = new RegExp((byType as { regex: string }).regex);
    expect(regex.test('Dossier.Received')).toBe(true);
    expect(regex.test('DossierXReceived')).toBe(false);
    expect(regex.test('ConsentGrantedLater')).toBe(false);
    const none = serverFilter(undefined) as { regex: string; filterOn: string };
    expect(none.filterOn).toBe('streamName');
    const ports = new RegExp(none.regex);
    expect(ports.test('consent-1')).toBe(true);
    expect(ports.test('$$consent-1')).toBe(false);
    expect(ports.test('$stats-127.0.0.1:2113')).toBe(false);
  });
});

describe('stream metadata and recorded events', () => {
  it('maps retention settings to KurrentDB keys and back, keeping custom keys', () => {
    const metadata = { truncateBefore: 3, maxCount: 100, maxAgeSeconds: 86_400, custom: { owner: 'gdt' } };
    const raw = toRawStreamMetadata(metadata);
    expect(raw).toEqual({ $tb: 3, $maxCount: 100, $maxAge: 86_400, owner: 'gdt' });
    expect(fromRawStreamMetadata(raw)).toEqual(metadata);
    expect(fromRawStreamMetadata(undefined)).toEqual({});
    expect(fromRawStreamMetadata(JSON.parse('{"$tb":9223372036854775807,"$acl":{}}'))).toEqual({});
    expect(() => toRawStreamMetadata({ custom: { $tb: 1 } })).toThrow(InvalidAppendError);
  });

  it('turns a client event into a port event without the reserved metadata keys', () => {
    const proposed = event();
    const recorded = toRecordedEvent({
      streamId: 'consent-1',
      id: proposed.id,
      isJson: true,
      revision: 4n,
      type: proposed.type,
      created: new Date('2026-11-22T03:30:00.000Z'),
      data: proposed.data as Record<string, unknown>,
      metadata: withReserved(proposed, 'append-1'),
      position: { commit: 5_000n, prepare: 5_000n },
    });
    expect(recorded).toEqual({
      ...proposed,
      stream: 'consent-1',
      revision: 4,
      position: 5_000,
      recordedAt: '2026-11-22T03:30:00.000Z',
    });
    expect(recorded.metadata).not.toHaveProperty(CONTENT_HASH_KEY);
    expect(recorded.metadata).not.toHaveProperty(APPEND_ID_KEY);
  });
});

describe('stream namespaces for shared test servers', () => {
  it('moves a run marker into the stream id and back', () => {
    expect(namespacedName('t1', 'consent-abc-1')).toBe('consent-t1.abc-1');
    expect(outerName('t1', 'consent-t1.abc-1')).toBe('consent-abc-1');
    expect(outerName('t1', 'consent-t2.abc-1')).toBeUndefined();
    expect(outerName('t1', 'consent-abc')).toBeUndefined();
    expect(namespacedName('t1', 'Bad Name')).toBe('Bad Name');
  });
});
