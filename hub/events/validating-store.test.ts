import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../eventstore/sqlite.js';
import { EventValidationError, StreamNotFoundError, UnknownEventTypeError } from '../kernel/errors/index.js';
import type { EventData, EventStore } from '../kernel/event-store.js';
import { buildMetadata } from '../kernel/metadata.js';
import { silentLogger, tempDir } from '../testing/temp.js';
import { withValidation } from './validating-store.js';
import { createEventValidator } from './validator.js';

const validator = createEventValidator();
let temp: ReturnType<typeof tempDir>;
let raw: EventStore;
let store: EventStore;

beforeEach(async () => {
  temp = tempDir();
  raw = await openSqliteEventStore({ file: path.join(temp.dir, 'events.db'), logger: silentLogger() });
  store = withValidation(raw, validator);
});

afterEach(async () => {
  await store.close();
  temp.remove();
});

function province(code: string, id: string): EventData {
  return {
    id,
    type: 'AdministrativeUnitEstablished',
    data: {
      unitId: `province.${code}.20080101`,
      code,
      level: 'province',
      kind: 'Tỉnh',
      name: `Tỉnh ${code}`,
      validFrom: '2008-01-01',
    },
    metadata: buildMetadata({
      occurredAt: new Date('2008-01-01T00:00:00Z'),
      actor: { kind: 'operator', id: 'op-1', official: 'staff-7' },
      correlationId: 'c-1',
    }),
  };
}

const first = '11111111-1111-4111-8111-111111111111';
const second = '22222222-2222-4222-8222-222222222222';

describe('withValidation', () => {
  it('appends valid events', async () => {
    await store.append('adminunit-x', [province('01', first)], { expectedRevision: 'no_stream' });
    const events = await store.readStream('adminunit-x');
    expect(events.map((e) => [e.id, e.type, e.revision])).toEqual([
      [first, 'AdministrativeUnitEstablished', 0],
    ]);
  });

  it('writes nothing when one event of the append is invalid', async () => {
    const bad = province('02', second);
    (bad.data as Record<string, unknown>).level = 'hamlet';
    const attempt = store.append('adminunit-x', [province('01', first), bad], {
      expectedRevision: 'no_stream',
    });
    await expect(attempt).rejects.toThrow(EventValidationError);
    await expect(attempt).rejects.toMatchObject({
      eventType: 'AdministrativeUnitEstablished',
      issues: [{ path: '/data/level', message: 'must be one of province, district, commune' }],
    });
    await expect(raw.readStream('adminunit-x')).rejects.toThrow(StreamNotFoundError);
    expect((await raw.info()).lastPosition).toBe(0);
  });

  it('rejects an unknown event type without writing', async () => {
    const unknown = { ...province('01', first), type: 'UnitVanished' };
    await expect(store.append('adminunit-x', [unknown], { expectedRevision: 'no_stream' })).rejects.toThrow(
      UnknownEventTypeError,
    );
    expect((await raw.info()).lastPosition).toBe(0);
  });

  it('appendMany: an invalid request gets its validation error, the valid ones are written', async () => {
    const bad = province('02', second);
    (bad.data as Record<string, unknown>).level = 'hamlet';
    const third = '33333333-3333-4333-8333-333333333333';
    const outcomes = await store.appendMany([
      { stream: 'adminunit-a', events: [province('01', first)], expectedRevision: 'no_stream' },
      { stream: 'adminunit-b', events: [bad], expectedRevision: 'no_stream' },
      { stream: 'adminunit-c', events: [province('03', third)], expectedRevision: 'no_stream' },
    ]);
    expect(outcomes[0]).toMatchObject({ nextExpectedRevision: 0, written: true });
    expect(outcomes[1]).toBeInstanceOf(EventValidationError);
    expect(outcomes[2]).toMatchObject({ nextExpectedRevision: 0, written: true });
    expect((await raw.readAll()).map((e) => e.stream)).toEqual(['adminunit-a', 'adminunit-c']);
  });

  it('delegates reads and metadata to the wrapped store', async () => {
    await raw.append('adminunit-y', [province('03', first)], { expectedRevision: 'no_stream' });
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['adminunit-y']);
    await store.setStreamMetadata('adminunit-y', { custom: { note: 'x' } });
    expect((await store.getStreamMetadata('adminunit-y')).metadata.custom).toEqual({ note: 'x' });
    expect((await store.info()).backend).toBe('sqlite');
  });
});
