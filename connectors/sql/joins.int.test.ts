import { describe, expect, it } from 'vitest';
import { ConnectorConfigError } from '../../hub/kernel/errors/index.js';
import {
  loadDatasets,
  openRecord,
  type RecordRow,
  recordsOfSubject,
} from '../../hub/modules/records/index.js';
import { silentLogger } from '../../hub/testing/temp.js';
import { loadConnector } from '../kit/manifest.js';
import { type openTestHub, projectRecords } from '../kit/testing.js';
import { openConnector } from '../runtime.js';
import type { Dialect } from './driver.js';
import { openDriver } from './source.js';
import { householdHubPerTest } from './testing/household-hub.js';
import type { HouseholdSource } from './testing/households.js';
import { serverAvailable } from './testing/servers.js';
import { tempConnector } from './testing/temp-connector.js';

const available: Record<Dialect, boolean> = {
  sqlite: true,
  postgres: await serverAvailable('postgres'),
  mariadb: await serverAvailable('mariadb'),
};

const CITIZENS = 200;

/** A query reading what the join reads, keeping a citizen's own address when there is no household. */
const THUONG_TRU = `
  SELECT cd.id, cd.so_dinh_danh, cd.ho_ten, cd.ngay_sinh, cd.gioi_tinh, cd.dan_toc, cd.so_ho, cd.quan_he_chu_ho,
         cd.da_xoa, COALESCE(hgd.dia_chi, cd.dia_chi_thuong_tru) AS dia_chi,
         COALESCE(hgd.ma_xa, cd.ma_xa) AS ma_xa, COALESCE(hgd.ma_tinh, cd.ma_tinh) AS ma_tinh,
         cd.ngay_cap_nhat AS cd_cap_nhat, hgd.ngay_cap_nhat AS hgd_cap_nhat
    FROM cong_dan cd LEFT JOIN ho_gia_dinh hgd ON hgd.so_ho = cd.so_ho -- households hold the address
`;

for (const dialect of ['sqlite', 'postgres', 'mariadb'] as const) {
  if (!available[dialect]) {
    describe.skip(`${dialect} not reachable on 127.0.0.1: join and query sources not tested on it`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }

  describe(`join and query sources on ${dialect}`, () => {
    const env = householdHubPerTest(dialect, CITIZENS);
    const open = (name = 'population-household-sql', set: string[] = []) =>
      openConnector({
        name,
        hub: env.hub,
        logger: silentLogger(),
        root: name === 'population-household-sql' ? undefined : env.tmp.dir,
        set: [`url=${env.source.url}`, 'batchSize=7', ...set],
      });
    const membersOf = (...households: string[]) =>
      env.source.citizens.filter((c) => c.so_ho !== null && households.includes(c.so_ho)).map((c) => c.id);
    /** Source ids of the record events appended after `position`. */
    const appendedSince = async (position: number) =>
      (
        await env.hub.raw.readAll({
          fromPosition: position,
          filter: { eventTypes: ['DatasetRecordUpserted'] },
        })
      ).map((e) => Number(e.metadata.source!.primaryKey!.id));
    const lastPosition = async () => (await env.hub.raw.info()).lastPosition;

    it('a join source syncs every citizen once, the permanent residence taken from the household', async () => {
      const c = open();
      const first = await c.sync();
      expect(first.counts).toMatchObject({ read: CITIZENS, upserted: CITIZENS, rejected: 0 });
      const [some] = await env.hub.raw.readAll({
        filter: { eventTypes: ['DatasetRecordUpserted'] },
        maxCount: 1,
      });
      expect(some!.metadata.source).toMatchObject({
        table: 'cong_dan',
        primaryKey: { id: expect.any(String) },
      });
      expect(some!.metadata.source!.position).toMatch(/^_cursor=2025-01-01 08:00:00(\.0+)?;id=\d+$/);
      expect(await hubResidences(env.hub)).toEqual(await sourceResidences(env.source));
      const again = await c.sync();
      // Only citizen 200, the last one read, within the look-back of the checkpoint: unchanged.
      expect(again.counts).toMatchObject({ read: 1, reread: 1, unchanged: 1, upserted: 0 });
    });

    it('updating only a household re-emits exactly its members; one that changes no mapped field appends nothing', async () => {
      const c = open();
      await c.sync();
      let before = await lastPosition();
      await env.source.writer.run(
        "UPDATE ho_gia_dinh SET dia_chi = 'Số 99, xóm Mới', ngay_cap_nhat = '2025-03-01 00:00:00' WHERE so_ho = 'HO-5'",
      );
      const moved = await c.sync();
      const members = membersOf('HO-5');
      expect(members.length).toBeGreaterThan(1);
      // And citizen 200, at the first run's checkpoint, read again (unchanged) by the look-back.
      expect(moved.counts).toMatchObject({
        read: members.length + 1,
        reread: 1,
        upserted: members.length,
        unchanged: 1,
      });
      expect((await appendedSince(before)).sort()).toEqual(members.sort());
      const residences = await hubResidences(env.hub);
      for (const id of members) expect(residences.get(id)).toBe('Số 99, xóm Mới');
      expect(residences).toEqual(await sourceResidences(env.source));

      before = await lastPosition();
      await env.source.writer.run(
        "UPDATE ho_gia_dinh SET so_thanh_vien = 9, ngay_cap_nhat = '2025-03-02 00:00:00' WHERE so_ho = 'HO-6'",
      );
      const same = await c.sync();
      // HO-6's members, and HO-5's (at the checkpoint's cursor) read again by the look-back.
      const read = membersOf('HO-6').length + members.length;
      expect(same.counts).toMatchObject({ read, reread: members.length, upserted: 0, unchanged: read });
      expect(await appendedSince(before)).toEqual([]);
      expect((await c.sync()).counts).toMatchObject({ read: membersOf('HO-6').length, upserted: 0 });
    });

    it('resumes exactly after a crash between batches, the cursor coming from the joined table', async () => {
      // Strictly after the checkpoint: the keyset, not a look-back, resumes inside the tie.
      const c = open('population-household-sql', ['cursorLookback=0']);
      await c.sync();
      const before = await lastPosition();
      // Twenty households move at one instant (a tie the primary key breaks); eleven citizens change
      // earlier (one of them in a moved household: both tables' cursors reach the checkpoint, the
      // row is still read once) and one later: the next read interleaves the tables' cursors.
      await env.source.writer.run(
        "UPDATE ho_gia_dinh SET dia_chi = 'Khu tái định cư', ngay_cap_nhat = '2025-04-01 00:00:00' WHERE so_ho IN (" +
          Array.from({ length: 20 }, (_, i) => `'HO-${10 + i}'`).join(', ') +
          ')',
      );
      await env.source.writer.run(
        "UPDATE cong_dan SET ho_ten = 'Nguyễn Văn Mới', ngay_cap_nhat = '2025-03-15 00:00:00' WHERE id BETWEEN 150 AND 159 OR id = 41",
      );
      await env.source.writer.run(
        "UPDATE cong_dan SET ho_ten = 'Trần Thị Sau', ngay_cap_nhat = '2025-05-01 00:00:00' WHERE id = 160",
      );
      const affected = [
        ...membersOf(...Array.from({ length: 20 }, (_, i) => `HO-${10 + i}`)),
        ...Array.from({ length: 11 }, (_, i) => 150 + i),
      ].sort((a, b) => a - b);

      let checkpoints = 0;
      let readBeforeCrash = 0;
      await expect(
        c.sync({
          onCheckpoint: (_state, counts) => {
            readBeforeCrash = counts.read;
            if (++checkpoints === 2) throw new Error('crash between batches');
          },
        }),
      ).rejects.toThrow('crash between batches');
      expect(readBeforeCrash).toBe(14);
      const status = await c.status();
      expect(status.lastRun?.outcome).toBe('failed');
      // The checkpoint sits inside the tie: the household's cursor value, the citizen's id.
      expect(status.states[0]).toMatchObject({ cursor: expect.stringMatching(/^2025-04-01 00:00:00/) });

      const resumed = await c.sync();
      expect(resumed.counts.read).toBe(affected.length - readBeforeCrash);
      const appended = (await appendedSince(before)).sort((a, b) => a - b);
      expect(appended).toEqual(affected);
      expect((await c.sync()).counts.read).toBe(0);
      expect(await hubResidences(env.hub)).toEqual(await sourceResidences(env.source));
    });

    it('a join read as a full refresh reads every citizen once and deletes one gone from the source', async () => {
      tempConnector({
        root: env.tmp.dir,
        name: 'population-refresh',
        from: 'population-household-sql',
        stream: ({ cursorField: _c, ...s }) => ({ ...s, mode: 'full_refresh' }),
      });
      const c = open('population-refresh');
      expect((await c.sync()).counts).toMatchObject({ read: CITIZENS, upserted: CITIZENS });
      await env.source.writer.run('DELETE FROM cong_dan WHERE id = 7');
      const again = await c.sync();
      expect(again.counts).toMatchObject({ read: CITIZENS - 1, upserted: 0, deleted: 1 });
      const [deleted] = await env.hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordDeleted'] } });
      expect(deleted!.metadata.source?.primaryKey).toEqual({ id: '7' });
    });

    it('a query source syncs, read-only, and a household change re-emits its members', async () => {
      tempConnector({
        root: env.tmp.dir,
        name: 'population-query',
        from: 'population-household-sql',
        stream: ({ table: _t, alias: _a, joins: _j, ...s }) => ({
          ...s,
          name: 'thuong_tru',
          query: THUONG_TRU,
          cursorField: ['cd_cap_nhat', 'hgd_cap_nhat'],
        }),
        fields: ({ 'permanentResidence.districtCode': _d, ...f }) => ({
          ...f,
          'permanentResidence.address': { from: 'dia_chi', trim: true },
          'permanentResidence.communeCode': { from: 'ma_xa', trim: true },
          'permanentResidence.provinceCode': { from: 'ma_tinh', trim: true },
        }),
      });
      const c = open('population-query');
      const check = await c.check(5000);
      expect(check.checks.map((x) => `${x.ok} ${x.name}`)).toEqual([
        'true connect',
        'true query thuong_tru runs read-only',
      ]);
      const first = await c.sync();
      expect(first.counts).toMatchObject({ read: CITIZENS, upserted: CITIZENS, rejected: 0 });
      const residences = await hubResidences(env.hub);
      const own = env.source.citizens.find((x) => x.so_ho === null)!;
      expect(residences.get(own.id)).toBe(own.dia_chi_thuong_tru);

      const before = await lastPosition();
      await env.source.writer.run(
        "UPDATE ho_gia_dinh SET dia_chi = 'Số 1, ngõ Chợ', ngay_cap_nhat = '2025-03-01 00:00:00' WHERE so_ho = 'HO-7'",
      );
      const second = await c.sync();
      // And citizen 200, at the first run's checkpoint, read again by the look-back.
      expect(second.counts).toMatchObject({
        read: membersOf('HO-7').length + 1,
        reread: 1,
        upserted: membersOf('HO-7').length,
      });
      expect((await appendedSince(before)).sort()).toEqual(membersOf('HO-7').sort());
      expect((await c.sync()).counts).toMatchObject({ read: membersOf('HO-7').length, upserted: 0 });
    });

    it('check runs the join and verifies its key; a join that repeats rows fails check and the read, naming the field', async () => {
      const ok = await open().check(5000);
      expect(ok.ok, JSON.stringify(ok.checks)).toBe(true);
      expect(ok.checks.map((x) => x.name)).toEqual([
        'connect',
        'columns of cong_dan: 10 used, all present',
        'columns of ho_gia_dinh: 6 used, all present',
        'SELECT on cong_dan joined to ho_gia_dinh',
        'join ho_gia_dinh on a key (so_ho)',
      ]);
      tempConnector({
        root: env.tmp.dir,
        name: 'population-by-province',
        from: 'population-household-sql',
        stream: (s) => ({ ...s, joins: [{ ...s.joins![0]!, on: { ma_tinh: 'cd.ma_tinh' } }] }),
      });
      const bad = await open('population-by-province').check(5000);
      expect(bad.ok).toBe(false);
      expect(bad.error).toMatchObject({ code: 'CONNECTOR_CONFIG_INVALID', failure: 'config' });
      expect(bad.checks.at(-1)!.message).toMatch(
        /ma_tinh is not the primary key or a unique column of ho_gia_dinh/,
      );
      // Twenty households share each province code: a citizen would come back once per household.
      await env.source.writer.run("UPDATE ho_gia_dinh SET ma_tinh = '01'");
      await env.source.writer.run("UPDATE cong_dan SET ma_tinh = '01'");
      const read = open('population-by-province').sync();
      await expect(read).rejects.toBeInstanceOf(ConnectorConfigError);
      await expect(read).rejects.toMatchObject({ issues: [{ path: '/streams/0/joins' }] });
    });

    it('discover lists the view and the foreign key and suggests the join, which pasted into a manifest syncs', async () => {
      const catalog = await open().discover();
      const view = catalog.streams.find((s) => s.name === 'thuong_tru');
      expect(view).toMatchObject({ kind: 'view', primaryKey: [] });
      expect(view!.columns.map((col) => col.name)).toEqual(['id', 'ho_ten', 'dia_chi', 'ma_xa']);
      const citizens = catalog.streams.find((s) => s.name === 'cong_dan')!;
      expect(citizens).toMatchObject({ kind: 'table' });
      expect(citizens.foreignKeys).toEqual([
        {
          ...(dialect === 'sqlite' ? {} : { name: 'fk_cong_dan_ho' }),
          columns: ['so_ho'],
          references: { table: 'ho_gia_dinh', columns: ['so_ho'] },
        },
      ]);
      const suggestion = catalog.suggestedJoins!.find((j) => j.table === 'cong_dan')!;
      expect(suggestion).toMatchObject({
        alias: 'cd',
        primaryKey: 'id',
        cursorField: 'ngay_cap_nhat',
        joins: [
          {
            table: 'ho_gia_dinh',
            alias: 'hgd',
            kind: 'left',
            on: { so_ho: 'cd.so_ho' },
            cursorField: 'ngay_cap_nhat',
          },
        ],
      });
      expect(suggestion.reasons[0]).toMatch(/^so_ho → ho_gia_dinh\.so_ho \(foreign key/);

      const { reasons: _r, primaryKey, ...fragment } = suggestion;
      tempConnector({
        root: env.tmp.dir,
        name: 'population-suggested',
        from: 'population-household-sql',
        stream: ({ table: _t, alias: _a, joins: _j, primaryKey: _p, cursorField: _c, ...s }) => ({
          ...s,
          ...fragment,
          primaryKey: primaryKey!,
        }),
      });
      expect(() => loadConnector('population-suggested', loadDatasets(), env.tmp.dir)).not.toThrow();
      expect((await open('population-suggested').sync()).counts).toMatchObject({
        read: CITIZENS,
        upserted: CITIZENS,
      });
    });

    if (dialect !== 'sqlite') {
      it('a query that writes through a function is refused by the read-only transaction, naming the field', async () => {
        await env.source.writer.run('CREATE TABLE nhat_ky (n INTEGER)');
        await env.source.writer.run(
          dialect === 'postgres'
            ? "CREATE FUNCTION ghi() RETURNS integer LANGUAGE sql AS 'INSERT INTO nhat_ky VALUES (1) RETURNING n'"
            : 'CREATE FUNCTION ghi() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO nhat_ky VALUES (1); RETURN 1; END',
        );
        tempConnector({
          root: env.tmp.dir,
          name: 'population-writes',
          from: 'population-household-sql',
          stream: ({ table: _t, alias: _a, joins: _j, ...s }) => ({
            ...s,
            name: 'cong_dan_xoa',
            query: 'SELECT cd.* FROM cong_dan cd WHERE ghi() = 1',
          }),
          fields: (f) => ({
            ...f,
            'permanentResidence.address': { from: 'dia_chi_thuong_tru' },
            'permanentResidence.communeCode': { from: 'ma_xa' },
            'permanentResidence.districtCode': { from: 'ma_huyen' },
            'permanentResidence.provinceCode': { from: 'ma_tinh' },
          }),
        });
        const refused = open('population-writes').sync();
        await expect(refused).rejects.toBeInstanceOf(ConnectorConfigError);
        await expect(refused).rejects.toMatchObject({
          issues: [{ path: '/streams/0/query', message: expect.stringMatching(/read-only transaction/) }],
        });
        const driver = await openDriver(env.source.url, 5000);
        const [row] = await driver.query('SELECT count(*) AS n FROM nhat_ky');
        await driver.close();
        expect(Number(row!.n)).toBe(0);
      });
    }
  });
}

/** Permanent-residence address of every live citizen as the source holds it, read table by table. */
async function sourceResidences(source: HouseholdSource): Promise<Map<number, string | undefined>> {
  const driver = await openDriver(source.url, 5000);
  try {
    const households = new Map(
      (await driver.query('SELECT so_ho, dia_chi FROM ho_gia_dinh')).map((h) => [h.so_ho, String(h.dia_chi)]),
    );
    const out = new Map<number, string | undefined>();
    for (const c of await driver.query('SELECT id, so_ho FROM cong_dan WHERE da_xoa = 0'))
      out.set(Number(c.id), c.so_ho === null ? undefined : households.get(c.so_ho));
    return out;
  } finally {
    await driver.close();
  }
}

/** The same, as the hub's records hold it (keyed by source id through the personal ID). */
async function hubResidences(
  hub: Awaited<ReturnType<typeof openTestHub>>,
): Promise<Map<number, string | undefined>> {
  const def = loadDatasets().get('population')!;
  const db = await projectRecords(hub.raw);
  const subjects = db
    .prepare("SELECT DISTINCT subject FROM records WHERE dataset = 'population' AND deleted = 0")
    .all() as { subject: string }[];
  const out = new Map<number, string | undefined>();
  for (const { subject } of subjects) {
    for (const r of recordsOfSubject(db, subject) as RecordRow[]) {
      const values = openRecord(def, r, hub.sealing.keys).values as {
        personalId: string;
        permanentResidence?: { address: string };
      };
      out.set(Number(values.personalId.slice(3)), values.permanentResidence?.address);
    }
  }
  db.close();
  return out;
}
