import { describe, expect, it } from 'vitest';
import type { DatasetRecordDeletedData } from '../../hub/modules/records/index.js';
import { silentLogger } from '../../hub/testing/temp.js';
import { openConnector } from '../runtime.js';
import type { Dialect } from './driver.js';
import { householdHubPerTest } from './testing/household-hub.js';
import { serverAvailable } from './testing/servers.js';
import { tempConnector } from './testing/temp-connector.js';

const available: Record<Dialect, boolean> = {
  sqlite: true,
  postgres: await serverAvailable('postgres'),
  mariadb: await serverAvailable('mariadb'),
};

const CITIZENS = 200;
/** Rows of the query stream whose cursor is NULL: never read incrementally. */
const NULL_CURSOR = 'cd.id % 10 = 3';

/**
 * `sync --full-refresh` of an incremental stream: a row deleted at the source (no soft delete) is
 * invisible to incremental runs; a full refresh reads every row and deletes the records of those
 * it did not see, then the stream goes on incrementally from the refresh's last row.
 */
for (const dialect of ['sqlite', 'postgres', 'mariadb'] as const) {
  if (!available[dialect]) {
    describe.skip(`${dialect} not reachable on 127.0.0.1: full refresh not tested on it`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }

  describe(`sync --full-refresh of an incremental stream on ${dialect}`, () => {
    const env = householdHubPerTest(dialect, CITIZENS);

    const deletions = async () =>
      (await env.hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordDeleted'] } }))
        .map((e) => ({
          key: e.metadata.source?.primaryKey,
          reason: (e.data as DatasetRecordDeletedData).reason,
        }))
        .sort((a, b) => Number(a.key?.id) - Number(b.key?.id));

    it('a row deleted at the source: missed by incremental syncs, deleted by the full refresh, which the next incremental run goes on from', async () => {
      const c = openConnector({
        name: 'population-sql',
        hub: env.hub,
        logger: silentLogger(),
        set: [`url=${env.source.url}`, 'batchSize=30'],
      });
      expect((await c.sync()).counts).toMatchObject({ read: CITIZENS, upserted: CITIZENS });
      const [before] = (await c.status()).states;
      await env.source.writer.run('DELETE FROM cong_dan WHERE id IN (7, 120)');

      const incremental = await c.sync();
      expect(incremental.counts).toMatchObject({ upserted: 0, deleted: 0 });
      expect(await deletions()).toEqual([]);

      // A dry run says what the refresh would delete, and writes nothing.
      const position = (await env.hub.raw.info()).lastPosition;
      const dry = await c.sync({ fullRefresh: ['cong_dan'], dryRun: true });
      expect(dry.counts).toMatchObject({ read: CITIZENS - 2, deleted: 2 });
      expect(dry.preview!.filter((p) => p.action === 'delete').map((p) => p.sourceKey)).toEqual(
        expect.arrayContaining(['7', '120']),
      );
      expect((await env.hub.raw.info()).lastPosition).toBe(position);

      const refresh = await c.sync({ fullRefresh: ['cong_dan'] });
      expect(refresh.counts).toMatchObject({
        read: CITIZENS - 2,
        reread: 0,
        upserted: 0,
        unchanged: CITIZENS - 2,
        deleted: 2,
      });
      expect(await deletions()).toEqual([
        { key: { id: '7' }, reason: 'missing-from-full-refresh' },
        { key: { id: '120' }, reason: 'missing-from-full-refresh' },
      ]);
      const [started] = (await env.hub.raw.readStream('connector-population-sql'))
        .filter((e) => e.type === 'ConnectorRunStarted')
        .slice(-1);
      expect(started!.data).toMatchObject({ runId: refresh.runId, fullRefresh: ['cong_dan'] });
      // The stream is incremental again, at the refresh's last row: the checkpoint it had before.
      expect(refresh.states).toEqual([before]);
      expect((await c.status()).states).toEqual([before]);

      await env.source.writer.run(
        "UPDATE cong_dan SET ho_ten = 'Nguyễn Văn Mới', ngay_cap_nhat = '2025-06-01 00:00:00' WHERE id = 40",
      );
      const next = await c.sync();
      expect(next.counts.read - next.counts.reread).toBe(1);
      expect(next.counts).toMatchObject({ upserted: 1, deleted: 0 });
      expect(await deletions()).toHaveLength(2);
    }, 60_000);

    it('a refresh that fails part-way is finished by the next run, which reads rows with a NULL cursor too and deletes only what is gone', async () => {
      tempConnector({
        root: env.tmp.dir,
        name: 'refresh-query',
        from: 'population-sql',
        stream: ({ table: _t, ...s }) => ({
          ...s,
          name: 'cd',
          query: `SELECT cd.*, CASE WHEN ${NULL_CURSOR} THEN NULL ELSE cd.ngay_cap_nhat END AS cap_nhat FROM cong_dan cd`,
          cursorField: 'cap_nhat',
        }),
      });
      const c = openConnector({
        name: 'refresh-query',
        hub: env.hub,
        logger: silentLogger(),
        root: env.tmp.dir,
        set: [`url=${env.source.url}`, 'batchSize=7'],
      });
      const nulls = env.source.citizens.filter((r) => r.id % 10 === 3).length;
      expect((await c.sync()).counts).toMatchObject({ read: CITIZENS - nulls, upserted: CITIZENS - nulls });
      // Gone from the source: one row with a cursor, one with none (never imported).
      await env.source.writer.run('DELETE FROM cong_dan WHERE id IN (8, 13)');

      let checkpoints = 0;
      let upsertedBeforeCrash = 0;
      await expect(
        c.sync({
          fullRefresh: ['cd'],
          onCheckpoint: (_state, counts) => {
            upsertedBeforeCrash = counts.upserted;
            if (++checkpoints === 2) throw new Error('crash in the refresh');
          },
        }),
      ).rejects.toThrow('crash in the refresh');
      expect(upsertedBeforeCrash).toBe(14);
      // Rows with a NULL cursor come first: the refresh stopped among them.
      const [stopped] = (await c.status()).states;
      expect(stopped).toMatchObject({ mode: 'incremental', cursor: null, generation: expect.any(String) });
      expect(Number(stopped!.pk)).toBeGreaterThan(0);
      expect(await deletions()).toEqual([]);

      // A plain sync finishes the refresh: the rest of the NULL-cursor rows, then the others.
      const finished = await c.sync();
      expect(finished.counts).toMatchObject({ upserted: nulls - 1 - upsertedBeforeCrash, deleted: 1 });
      expect(await deletions()).toEqual([{ key: { id: '8' }, reason: 'missing-from-full-refresh' }]);
      const [after] = (await c.status()).states;
      expect(after).toMatchObject({ mode: 'incremental', cursor: expect.any(String) });
      expect(after!.generation).toBeUndefined();
      const upserted = await env.hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } });
      // Every row once: the first run's, and the NULL-cursor rows the refresh found (13 is gone).
      expect(upserted).toHaveLength(CITIZENS - 1);
      expect((await c.sync()).counts).toMatchObject({ upserted: 0, deleted: 0 });
    }, 60_000);

    it('names the stream it does not know', async () => {
      const c = openConnector({
        name: 'population-sql',
        hub: env.hub,
        logger: silentLogger(),
        set: [`url=${env.source.url}`],
      });
      await expect(c.sync({ fullRefresh: ['nhan_khau'] })).rejects.toMatchObject({
        code: 'CONNECTOR_CONFIG_INVALID',
        issues: [
          { path: '--stream', message: 'population-sql has no stream nhan_khau (its streams: cong_dan)' },
        ],
      });
    });
  });
}
