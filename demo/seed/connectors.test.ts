import { describe, expect, it } from 'vitest';
import { openTestHub, projectRecords } from '../../connectors/kit/testing.js';
import {
  getRecord,
  openRecordValues,
  type RawRecordRow,
  type RecordRow,
  recordKeyFor,
  recordRowOf,
} from '../../hub/modules/records/index.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { DEMO_SOURCES } from '../sources/index.js';
import { demoConnector, syncDemoDossiers, syncDemoSources } from './connectors.js';

describe('demo sources', () => {
  it('syncs every bundled ministry database through its connector, with provenance, once', async () => {
    const tmp = tempDir();
    const hub = await openTestHub(tmp.dir);
    try {
      const first = await syncDemoSources({ ...hub, logger: silentLogger(), citizens: 600 });
      expect([...first.keys()]).toEqual(DEMO_SOURCES.map((s) => s.dataset));
      for (const [dataset, result] of first) {
        expect({ dataset, upserted: result.counts.upserted > 0 }).toEqual({ dataset, upserted: true });
        const [event] = await hub.raw.readAll({
          filter: { eventTypes: ['DatasetRecordUpserted'], streamPrefixes: [`record-${dataset}-`] },
          maxCount: 1,
        });
        expect(event!.metadata.source).toMatchObject({ connector: demoConnector(dataset) });
      }
      expect(first.get('population')!.counts.upserted).toBeGreaterThan(550);
      expect(first.get('civil-status')!.counts.upserted).toBeGreaterThan(550);
      expect(first.get('judicial-records')!.counts.rejected).toBe(0);

      const before = (await hub.raw.info()).lastPosition;
      const second = await syncDemoSources({ ...hub, logger: silentLogger(), citizens: 600 });
      // Only the rows the look-back reads again, each as the first run left it: nothing appended.
      for (const [dataset, result] of second) {
        expect({ dataset, ...result.counts }).toMatchObject({
          dataset,
          read: result.counts.reread,
          upserted: 0,
          deleted: 0,
          rejected: 0,
        });
        expect(result.counts.read).toBe(result.counts.unchanged + result.counts.rejectedAgain);
      }
      // the runs' own bookkeeping only (the look-back's batches are checkpointed like any other)
      const runEvents = await hub.raw.readAll({ fromPosition: before + 1 });
      expect(runEvents.filter((e) => !e.stream.startsWith('connector-'))).toEqual([]);
      expect(runEvents.filter((e) => e.type === 'ConnectorRunCompleted')).toHaveLength(DEMO_SOURCES.length);

      // the datasets tell one story: a young child's parents are citizens of the population
      const db = await projectRecords(hub.raw);
      const civil = hub.datasets.get('civil-status')!;
      const population = hub.datasets.get('population')!;
      const open = (row: RecordRow, def = civil) => openRecordValues(def, row, hub.sealing.keys);
      const children = db
        .prepare("SELECT * FROM records WHERE dataset = 'civil-status'")
        .all()
        .map((r) => open(recordRowOf(r as RawRecordRow)))
        .filter((c) => String(c.dateOfBirth) >= '2020-07-01' && c.fatherPersonalId && c.motherPersonalId);
      expect(children.length).toBeGreaterThan(10);
      for (const child of children.slice(0, 5)) {
        const father = getRecord(
          db,
          'population',
          recordKeyFor(population, String(child.fatherPersonalId), hub.sealing.pseudonymize),
        );
        expect(father && open(father, population).fullName).toBe(child.fatherName);
      }
    } finally {
      await hub.close();
      tmp.remove();
    }
  }, 120_000);

  it('feeds the one-stop database into dossier events once', async () => {
    const tmp = tempDir();
    const hub = await openTestHub(tmp.dir);
    try {
      const first = await syncDemoDossiers({ ...hub, logger: silentLogger(), dossiers: 60 });
      expect(first.counts.upserted).toBeGreaterThan(200);
      const streams = new Set(
        (await hub.raw.readAll({ filter: { streamPrefixes: ['dossier-'] } })).map((e) => e.stream),
      );
      expect(streams.size).toBe(60);
      const before = (await hub.raw.info()).lastPosition;
      const second = await syncDemoDossiers({ ...hub, logger: silentLogger(), dossiers: 60 });
      expect(second.counts.upserted).toBe(0);
      const after = await hub.raw.readAll({ fromPosition: before + 1 });
      expect(after.filter((e) => !e.stream.startsWith('connector-'))).toEqual([]);
    } finally {
      await hub.close();
      tmp.remove();
    }
  }, 60_000);
});
