import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withValidation } from '../../hub/events/validating-store.js';
import { createEventValidator } from '../../hub/events/validator.js';
import { openSqliteEventStore } from '../../hub/eventstore/sqlite.js';
import { SeedConflictError } from '../../hub/kernel/errors/index.js';
import type { EventData, EventStore } from '../../hub/kernel/event-store.js';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import type { DemoDataset, SeedStream } from './dataset.js';
import { type SeedProgress, seedDemoData } from './demo.js';

const validator = createEventValidator();
let temp: ReturnType<typeof tempDir>;
let store: EventStore;

beforeEach(async () => {
  temp = tempDir();
  const raw = await openSqliteEventStore({ file: path.join(temp.dir, 'events.db'), logger: silentLogger() });
  store = withValidation(raw, validator);
});

afterEach(async () => {
  await store.close();
  temp.remove();
});

function province(code: string, name: string): SeedStream {
  const unitId = `province.${code}.20080101`;
  const event: EventData = {
    id: `00000000-0000-4000-8000-0000000000${code}`,
    type: 'AdministrativeUnitEstablished',
    data: { unitId, code, level: 'province', kind: 'Tỉnh', name, validFrom: '2008-01-01' },
    metadata: buildMetadata({
      occurredAt: '2008-01-01T00:00:00+07:00',
      actor: { kind: 'system', id: 't' },
      correlationId: 'c',
    }),
  };
  return { stream: `adminunit-${unitId}`, events: [event] };
}

/** A small dataset that counts how often it is built. */
function tinyDataset(streams: SeedStream[], fingerprint = 'a'.repeat(64)) {
  const dataset = {
    name: 'tiny',
    builds: 0,
    fingerprint: async () => fingerprint,
    build: async () => {
      dataset.builds++;
      return streams;
    },
  } satisfies DemoDataset & { builds: number };
  return dataset;
}

/** Seeds `datasets` (by default the demo's own) into the test store. */
const seed = (datasets?: DemoDataset[], onProgress?: (p: SeedProgress) => void) =>
  seedDemoData({ store, logger: silentLogger(), datasets, onProgress });

describe('seedDemoData', () => {
  it('seeds the administrative units once; a second start appends nothing and skips the build', async () => {
    const progress: SeedProgress[] = [];
    const firstRun = await seed(undefined, (p) => progress.push(p));
    expect(firstRun).toEqual({ appended: 24_975, alreadyPresent: 0 });
    expect(progress.at(-1)).toEqual({ dataset: 'admin-units', done: 24_975, total: 24_975, skipped: false });
    expect(progress.length).toBeGreaterThan(100);
    const after = await store.info();
    expect(after.lastPosition).toBe(24_976);
    const [marker] = await store.readStream('seed-admin-units');
    expect(marker).toMatchObject({
      type: 'DemoDatasetSeeded',
      data: { dataset: 'admin-units', streams: 14_165, events: 24_975 },
    });
    const trucBach = await store.readStream('adminunit-commune.00004.20080101');
    expect(trucBach.map((e) => e.type)).toEqual([
      'AdministrativeUnitEstablished',
      'AdministrativeUnitSucceeded',
    ]);

    const secondProgress: SeedProgress[] = [];
    const secondRun = await seed(undefined, (p) => secondProgress.push(p));
    expect(secondRun).toEqual({ appended: 0, alreadyPresent: 24_975 });
    expect(secondProgress).toEqual([{ dataset: 'admin-units', done: 24_975, total: 24_975, skipped: true }]);
    expect((await store.info()).lastPosition).toBe(24_976);
  });

  it('completes an interrupted seed without duplicating what is there', async () => {
    const streams = [province('01', 'Tỉnh A'), province('02', 'Tỉnh B'), province('03', 'Tỉnh C')];
    await store.append(streams[1]!.stream, streams[1]!.events, { expectedRevision: 'no_stream' });
    const dataset = tinyDataset(streams);
    expect(await seed([dataset])).toEqual({ appended: 2, alreadyPresent: 1 });
    expect(
      (await store.readAll({ filter: { streamPrefixes: ['adminunit-'] } })).map((e) => e.stream),
    ).toEqual([
      'adminunit-province.02.20080101',
      'adminunit-province.01.20080101',
      'adminunit-province.03.20080101',
    ]);
    expect(await seed([dataset])).toEqual({ appended: 0, alreadyPresent: 3 });
    expect(dataset.builds).toBe(1);
  });

  it('rebuilds when the fingerprint changes and appends only the new events', async () => {
    const one = [province('01', 'Tỉnh A')];
    await seed([tinyDataset(one, 'a'.repeat(64))]);
    const grown = tinyDataset([...one, province('02', 'Tỉnh B')], 'b'.repeat(64));
    expect(await seed([grown])).toEqual({ appended: 1, alreadyPresent: 1 });
    const markers = await store.readStream('seed-tiny');
    expect(markers.map((m) => (m.data as { digest: string }).digest[0])).toEqual(['a', 'b']);
  });

  it('refuses to seed over a stream that holds other events', async () => {
    const mine = province('01', 'Tỉnh A');
    const other = province('01', 'Tỉnh A');
    other.events = [{ ...other.events[0]!, id: '99999999-9999-4999-8999-999999999999' }];
    await store.append(other.stream, other.events, { expectedRevision: 'no_stream' });
    await expect(seed([tinyDataset([mine])])).rejects.toThrow(SeedConflictError);
    await expect(store.readStream('seed-tiny')).rejects.toThrow(/not found/);
  });
});
