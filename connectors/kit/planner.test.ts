import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../../hub/kernel/event-store.js';
import { type DatasetRecordUpsertedData, getRecord, openRecord } from '../../hub/modules/records/index.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { openConnector } from '../runtime.js';
import { createSqlitePopulation, populationRows } from '../sql/testing/population.js';
import type { ConnectorHub } from './hub.js';
import { openTestHub, projectRecords } from './testing.js';

const secrets = { pseudonymSecret: randomBytes(32), masterKey: randomBytes(32) };

const hubIn = (dir: string) => openTestHub(dir, secrets);

const upserts = async (hub: { raw: EventStore }) =>
  (await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } })).map(
    (e) => e as typeof e & { data: DatasetRecordUpsertedData },
  );

describe('planning batches in a worker thread', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sourceFile: string;
  const hubs: ConnectorHub[] = [];
  const connector = (hub: ConnectorHub, planThreads = 2) =>
    openConnector({
      name: 'population-sql',
      hub,
      logger: silentLogger(),
      set: [`url=sqlite:${sourceFile}`, 'batchSize=25', `planThreads=${planThreads}`],
    });

  beforeEach(() => {
    tmp = tempDir();
    sourceFile = path.join(tmp.dir, 'population.sqlite');
    createSqlitePopulation(sourceFile, populationRows({ count: 120 }));
  });
  afterEach(async () => {
    for (const h of hubs.splice(0)) await h.close();
    tmp.remove();
  });

  it('writes the same record events as planning on the main thread, with keys the hub can open', async () => {
    const [inWorker, here, threeWorkers] = [
      await hubIn(path.join(tmp.dir, 'a')),
      await hubIn(path.join(tmp.dir, 'b')),
      await hubIn(path.join(tmp.dir, 'c')),
    ];
    hubs.push(inWorker, here, threeWorkers);
    const a = await connector(inWorker).sync({ planInWorker: true });
    const b = await connector(here).sync({ planInWorker: false });
    const c = await connector(threeWorkers, 3).sync({ planInWorker: true });
    expect(a.counts).toEqual(b.counts);
    expect(c.counts).toEqual(b.counts);
    expect(a.counts).toMatchObject({ read: 120, upserted: 120 });
    const [fromWorker, fromHere] = [await upserts(inWorker), await upserts(here)];
    const shape = (e: (typeof fromWorker)[number]) => ({
      id: e.id,
      stream: e.stream,
      source: { ...e.metadata.source, runId: undefined, fetchedAt: undefined },
      // sealed values and digests are under each hub's own subject keys
      data: { ...e.data, sealed: undefined, digests: Object.keys(e.data.digests ?? {}) },
    });
    expect(fromWorker.map(shape)).toEqual(fromHere.map(shape));
    expect((await upserts(threeWorkers)).map(shape)).toEqual(fromHere.map(shape));

    const [db, other] = [await projectRecords(inWorker.raw), await projectRecords(here.raw)];
    const population = inWorker.datasets.get('population')!;
    for (const e of fromWorker) {
      const mine = openRecord(
        population,
        getRecord(db, 'population', e.data.recordKey)!,
        inWorker.sealing.keys,
      );
      const theirs = openRecord(
        population,
        getRecord(other, 'population', e.data.recordKey)!,
        here.sealing.keys,
      );
      expect(mine.values).toEqual(theirs.values);
    }
  });

  it('appends changes on top of what it wrote and finds an unchanged source unchanged', async () => {
    const hub = await hubIn(tmp.dir);
    hubs.push(hub);
    const c = connector(hub);
    await c.sync({ planInWorker: true });
    const src = new Database(sourceFile);
    src.exec(`UPDATE cong_dan SET dan_toc = 'Tày', ngay_cap_nhat = '2025-02-01 00:00:00.000000' WHERE id IN (3, 4);
      UPDATE cong_dan SET da_xoa = 1, ngay_cap_nhat = '2025-02-01 00:00:00.000000' WHERE id = 7;`);
    src.close();
    const second = await c.sync({ planInWorker: true });
    // The three changed rows, and the 21 rows at the checkpoint's cursor read again by the look-back.
    expect(second.counts).toMatchObject({
      read: 24,
      reread: 21,
      unchanged: 21,
      upserted: 2,
      deleted: 1,
      rejected: 0,
    });
    const changed = (await upserts(hub)).filter((e) => e.data.previousVersion !== null);
    expect(changed.map((e) => e.revision)).toEqual([1, 1]);
    const db = await projectRecords(hub.raw);
    const population = hub.datasets.get('population')!;
    for (const e of changed) {
      const row = getRecord(db, 'population', e.data.recordKey)!;
      expect(openRecord(population, row, hub.sealing.keys).values.ethnicity).toBe('Tày');
    }
    await c.reset();
    const reread = await c.sync({ planInWorker: true });
    expect(reread.counts).toMatchObject({ read: 120, upserted: 0, deleted: 0, unchanged: 120 });
  });
});
