import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRecord, openRecord } from '../../hub/modules/records/index.js';
import { tempDir } from '../../hub/testing/temp.js';
import { openConnector } from '../runtime.js';
import { createSqlitePopulation, type PopulationRow, populationRows } from '../sql/testing/population.js';
import type { ConnectorIdentityConflictData } from './events.js';
import { openTestHub, projectRecords } from './testing.js';

/** Two people under one personal ID: the source's row 5, and a newcomer with another name and birth date. */
const intruder = (of: PopulationRow, id: number, updatedAt: string): PopulationRow => ({
  ...of,
  id,
  ho_ten: 'Đinh Thị Khác',
  ngay_sinh: '2001-12-30',
  dia_chi_thuong_tru: 'Số 99 đường Lê Lợi',
  ngay_cap_nhat: updatedAt,
});

describe('identity conflicts: two people under one key are quarantined, never merged', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: Awaited<ReturnType<typeof openTestHub>>;
  let sourceFile: string;
  let logs: string[];
  const logger = () =>
    pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, done) {
          logs.push(String(chunk));
          done();
        },
      }),
    );
  const open = (set: string[] = []) =>
    openConnector({
      name: 'population-sql',
      hub,
      logger: logger(),
      set: [`url=sqlite:${sourceFile}`, 'batchSize=40', ...set],
    });
  const insert = (rows: PopulationRow[]) => {
    const db = new Database(sourceFile);
    const cols = Object.keys(rows[0]!);
    const stmt = db.prepare(
      `INSERT INTO cong_dan (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
    );
    for (const r of rows) stmt.run(r);
    db.close();
  };
  const update = (sql: string) => {
    const db = new Database(sourceFile);
    db.exec(sql);
    db.close();
  };
  const findings = async () =>
    (await hub.raw.readAll({ filter: { eventTypes: ['ConnectorIdentityConflict'] } })).map(
      (e) => e.data as ConnectorIdentityConflictData,
    );
  const upsertsOf = async (recordKey: string) =>
    (await hub.raw.readStream(`record-population-${recordKey}`)).filter(
      (e) => e.type === 'DatasetRecordUpserted',
    );
  const fullName = async (recordKey: string) => {
    const db = await projectRecords(hub.raw);
    return openRecord(
      hub.datasets.get('population')!,
      getRecord(db, 'population', recordKey)!,
      hub.sealing.keys,
    ).values.fullName;
  };

  let rows: PopulationRow[];
  let key5: string;
  beforeEach(async () => {
    tmp = tempDir();
    logs = [];
    hub = await openTestHub(tmp.dir);
    sourceFile = path.join(tmp.dir, 'population.sqlite');
    rows = populationRows({ count: 200 });
    createSqlitePopulation(sourceFile, rows);
    key5 = hub.sealing.pseudonymize('citizen', rows[4]!.so_dinh_danh!);
  });
  afterEach(async () => {
    await hub.close();
    tmp.remove();
  });

  it('across runs: the earlier person’s record is not overwritten, one finding names key, fields and rows, and nothing personal is written or logged', async () => {
    const first = await open().sync();
    expect(first.counts).toMatchObject({ upserted: 200, quarantined: 0 });
    const before = await fullName(key5);
    insert([intruder(rows[4]!, 1001, '2026-03-01 00:00:00.000000')]);

    const second = await open().sync();
    // The newcomer, and the checkpoint's row read again (unchanged) by the look-back.
    expect(second.counts).toMatchObject({ read: 2, reread: 1, unchanged: 1, upserted: 0, quarantined: 1 });
    expect(await upsertsOf(key5)).toHaveLength(1);
    expect(await fullName(key5)).toBe(before);
    const [finding, ...more] = await findings();
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      connector: 'population-sql',
      runId: second.runId,
      dataset: 'population',
      recordKey: key5,
      fields: ['fullName', 'dateOfBirth'],
      rows: [
        { stream: 'cong_dan', sourceKey: { id: '5' } },
        { stream: 'cong_dan', sourceKey: { id: '1001' } },
      ],
    });

    const written = JSON.stringify(await hub.raw.readAll({}));
    const logged = logs.join('');
    expect(logged).toContain(finding!.conflictId);
    for (const personal of [
      rows[4]!.so_dinh_danh!,
      'Đinh Thị Khác',
      '2001-12-30',
      before as string,
      rows[4]!.ngay_sinh,
    ]) {
      expect(written).not.toContain(personal);
      expect(logged).not.toContain(personal);
    }
  });

  it('keeps every further row for the key held, without a second finding, until an operator resolves it', async () => {
    await open().sync();
    const before = await fullName(key5);
    insert([intruder(rows[4]!, 1001, '2026-03-01 00:00:00.000000')]);
    await open().sync();
    // The earlier person's own row changes: held too, the record stays as it was.
    update("UPDATE cong_dan SET dan_toc = 'Nùng', ngay_cap_nhat = '2026-03-02 00:00:00.000000' WHERE id = 5");
    const third = await open().sync();
    // Row 5, and the newcomer read again by the look-back: both held, no second finding (below).
    expect(third.counts).toMatchObject({ read: 2, reread: 1, upserted: 0, quarantined: 2 });
    const c = open();
    await c.reset();
    const reread = await c.sync();
    expect(reread.counts).toMatchObject({ read: 201, upserted: 0, quarantined: 2 });
    expect(await findings()).toHaveLength(1);
    expect(await upsertsOf(key5)).toHaveLength(1);

    const [open1] = await c.conflicts();
    expect(open1!.resolution).toBeUndefined();
    await expect(c.resolve({ recordKey: key5, keep: '7', operator: 'op-1' })).rejects.toThrow(
      /--keep 7 must name one row of the conflict \(cong_dan:5, cong_dan:1001\)/,
    );
    await c.resolve({ recordKey: key5, keep: '1001', operator: 'op-1', note: 'ID reissued by the registry' });
    const [resolved] = await c.conflicts();
    expect(resolved!.resolution).toMatchObject({
      resolution: 'keep',
      kept: [{ stream: 'cong_dan', sourceKey: { id: '1001' } }],
      actor: { kind: 'operator', official: 'op-1' },
    });
    await expect(c.resolve({ recordKey: key5, release: true, operator: 'op-1' })).rejects.toThrow(
      /no open identity conflict/,
    );

    // Read again: the kept row writes the record, the other stays held, and no new finding appears.
    await c.reset();
    const applied = await c.sync();
    expect(applied.counts).toMatchObject({ upserted: 1, quarantined: 1 });
    expect(await fullName(key5)).toBe('Đinh Thị Khác');
    expect(await fullName(key5)).not.toBe(before);
    expect(await findings()).toHaveLength(1);
  });

  it('released: both rows feed the record again', async () => {
    await open().sync();
    insert([intruder(rows[4]!, 1001, '2026-03-01 00:00:00.000000')]);
    await open().sync();
    const c = open();
    await c.resolve({ recordKey: key5, release: true, operator: 'op-1' });
    await c.reset();
    const applied = await c.sync();
    expect(applied.counts).toMatchObject({ upserted: 1, quarantined: 0 });
    expect(await fullName(key5)).toBe('Đinh Thị Khác');
  });

  it('in one batch, on the main thread or planned by workers: neither row reaches the hub', async () => {
    for (const planInWorker of [false, true]) {
      const id = planInWorker ? 3001 : 2001;
      const pid = `0${id}0000000`;
      insert([
        { ...rows[9]!, id, so_dinh_danh: pid, ngay_cap_nhat: `2026-05-0${id % 1000} 00:00:00.000000` },
        {
          ...intruder(rows[9]!, id + 1, `2026-05-0${id % 1000} 00:00:00.000000`),
          so_dinh_danh: pid,
        },
      ]);
      const result = await open().sync({ planInWorker });
      // The second pass's rows share the first pass's cursor: the look-back reads those again,
      // and they are held again, without a second finding.
      expect(result.counts, `planInWorker ${planInWorker}`).toMatchObject({
        reread: planInWorker ? 2 : 0,
        quarantined: planInWorker ? 4 : 2,
      });
      expect(await findings()).toHaveLength(planInWorker ? 2 : 1);
      const key = hub.sealing.pseudonymize('citizen', pid);
      await expect(hub.raw.readStream(`record-population-${key}`)).rejects.toThrow(/not found/);
      const finding = (await findings()).find((f) => f.recordKey === key);
      expect(finding).toMatchObject({
        fields: ['fullName', 'dateOfBirth'],
        rows: [{ sourceKey: { id: String(id) } }, { sourceKey: { id: String(id + 1) } }],
      });
    }
  });

  it('in different batches of one run, planned by workers: the first row’s record stays, the second is held', async () => {
    insert([intruder(rows[4]!, 1001, '2026-03-01 00:00:00.000000')]);
    const result = await open(['batchSize=20']).sync({ planInWorker: true });
    expect(result.counts).toMatchObject({ read: 201, upserted: 200, quarantined: 1 });
    expect(await upsertsOf(key5)).toHaveLength(1);
    expect(await fullName(key5)).not.toBe('Đinh Thị Khác');
    expect(await findings()).toMatchObject([{ recordKey: key5, rows: [{ sourceKey: { id: '5' } }, {}] }]);
  });

  it('identity values compare in NFC, Vietnamese lower case and collapsed spaces: one name in capitals and decomposed is no conflict', async () => {
    await open().sync();
    const name = rows[4]!.ho_ten!;
    const shouted = ` ${name.toLocaleUpperCase('vi').normalize('NFD').replace(/ /g, '   ')} `;
    insert([{ ...rows[4]!, id: 1001, ho_ten: shouted, ngay_cap_nhat: '2026-03-01 00:00:00' }]);
    insert([
      {
        ...rows[9]!,
        id: 2001,
        so_dinh_danh: '020010000000',
        ho_ten: 'LÊ THỊ THẢO',
        ngay_cap_nhat: '2026-03-02 00:00:00',
      },
      {
        ...rows[9]!,
        id: 2002,
        so_dinh_danh: '020010000000',
        ho_ten: 'Lê Thị Thảo',
        ngay_cap_nhat: '2026-03-02 00:00:00',
      },
    ]);
    const second = await open().sync();
    expect(second.counts).toMatchObject({ quarantined: 0 });
    expect(await findings()).toEqual([]);
    insert([
      {
        ...rows[9]!,
        id: 2003,
        so_dinh_danh: '020010000000',
        ho_ten: 'Lê Thị Thảo',
        ngay_sinh: '2001-12-30',
        ngay_cap_nhat: '2026-03-03 00:00:00',
      },
    ]);
    expect((await open().sync()).counts).toMatchObject({ quarantined: 1 });
    expect(await findings()).toMatchObject([{ fields: ['dateOfBirth'] }]);
  });

  it('two rows of the same person under one key are no conflict: the later row updates the record', async () => {
    await open().sync();
    insert([
      {
        ...rows[4]!,
        id: 1001,
        dia_chi_thuong_tru: 'Số 7 đường Lê Lợi',
        ngay_cap_nhat: '2026-03-01 00:00:00',
      },
    ]);
    const second = await open().sync();
    expect(second.counts).toMatchObject({ upserted: 1, quarantined: 0 });
    expect(await findings()).toEqual([]);
  });
});
