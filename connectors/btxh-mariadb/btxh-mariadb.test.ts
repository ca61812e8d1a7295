import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getRecord, openRecord } from '../../hub/modules/records/index.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { connectorAcceptance, sqliteFixtureSource } from '../acceptance.js';
import { openTestHub, projectRecords } from '../kit/testing.js';
import { openConnector } from '../runtime.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = readFileSync(new URL('./fixtures/source.sql', import.meta.url), 'utf8');

// The rows of btxh_ldtbxh that the mapping cannot take, each as the source holds it (synthetic values).
const dirty = [
  [102, null, 'Ngô Văn Hai', '01/01/1950'], // no CCCD yet
  [103, '', 'Ngô Văn Ba', '01/01/1950'], // empty CCCD
  [104, '123456789', 'Ngô Văn Bốn', '01/01/1950'], // 9-digit identity card number (CMND)
  [105, '001000000105', 'Ngô Văn Năm', '00/00/1950'], // only the year known, as 00/00/yyyy
  [106, '001000000106', 'Ngô Văn Sáu', '1950'], // only the year known
  [107, '001000000107', 'Ngô Văn Bảy', '31/02/1950'], // no such day
] as const;

describe('btxh-mariadb on a SQLite copy of its tables', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: Awaited<ReturnType<typeof openTestHub>>;
  let sourceFile: string;
  const open = () =>
    openConnector({
      name: 'btxh-mariadb',
      root,
      hub,
      logger: silentLogger(),
      set: [`url=sqlite:${sourceFile}`],
    });
  const source = (run: (db: Database.Database) => void) => {
    const db = new Database(sourceFile);
    try {
      run(db);
    } finally {
      db.close();
    }
  };
  const insertBeneficiary = (
    db: Database.Database,
    [id, cccd, name, dob]: readonly [number, string | null, string, string],
    maHo: number | null = 1,
    stamp = '2025-02-01 08:00:00',
  ) =>
    db
      .prepare(
        `INSERT INTO doi_tuong (ma_doi_tuong, so_cccd, ho_va_ten, ngay_sinh, gioi_tinh, dan_toc, ma_ho, qh_chu_ho,
           ma_loai_dt, con_song, trang_thai, da_xoa, ngay_cap_nhat)
         VALUES (?, ?, ?, ?, 'Nam', 'Kinh', ?, 'Con', 'NCT80', 'có', 4, 0, ?)`,
      )
      .run(id, cccd, name, dob, maHo, stamp);
  const records = async () => {
    const db = await projectRecords(hub.raw);
    const population = hub.datasets.get('population')!;
    const upserts = await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } });
    const byRow = new Map<string, string>();
    for (const e of upserts) {
      byRow.set(
        String(e.metadata.source!.primaryKey!.ma_doi_tuong),
        (e.data as { recordKey: string }).recordKey,
      );
    }
    return (id: number) => {
      const key = byRow.get(String(id));
      const row = key === undefined ? undefined : getRecord(db, 'population', key);
      return row ? openRecord(population, row, hub.sealing.keys).values : undefined;
    };
  };

  beforeEach(async () => {
    tmp = tempDir();
    hub = await openTestHub(tmp.dir);
    sourceFile = path.join(tmp.dir, 'btxh.sqlite');
    source((db) => db.exec(fixture));
  });
  afterEach(async () => {
    await hub.close();
    tmp.remove();
  });

  it('takes the permanent residence from the household and its province from the commune list, and normalises names and dates', async () => {
    const result = await open().sync();
    expect(result.counts).toMatchObject({ read: 8, upserted: 8, rejected: 0 });
    const record = await records();
    expect(record(2)).toMatchObject({
      fullName: 'Lê Thị Thảo'.normalize('NFC'),
      dateOfBirth: '1952-03-03',
      gender: 'female',
      ethnicity: 'Tày',
      permanentResidence: { address: 'Số 1, thôn Đông Hòa', communeCode: '10001', provinceCode: '10' },
      household: { householdId: '1', relationToHead: 'spouse' },
    });
    expect(record(3)).toMatchObject({
      fullName: 'Phạm Văn Tuấn',
      dateOfBirth: '1953-12-04',
      household: { relationToHead: 'other' },
    });
    expect(record(4)).toMatchObject({ dateOfBirth: '1954-05-15', household: { relationToHead: 'parent' } });
    expect(record(5)).toMatchObject({ personalId: '005000000005', household: { relationToHead: 'child' } });
    expect(record(6)).toMatchObject({
      permanentResidence: { address: 'Xóm Chợ, xã Tây Sơn', provinceCode: '20' },
    });
    expect(record(7)).toMatchObject({ personalId: '007000000007', dateOfBirth: '1960-02-29' });
    expect(record(7)).not.toHaveProperty('permanentResidence');
    expect(record(7)).not.toHaveProperty('household');
  });

  it('takes CCCDs typed in groups, and dead-letters the rows it cannot map with their field paths and never their values', async () => {
    source((db) => {
      for (const row of dirty) insertBeneficiary(db, row);
      insertBeneficiary(db, [101, '001 000.000-101', 'Ngô Văn Một', '01/01/1950']); // CCCD typed in groups
      db.prepare(
        "INSERT INTO ho_gia_dinh (ma_ho, ho_ten_chu_ho, ma_xa, hieu_luc, ngay_cap_nhat) VALUES (9, 'Chủ Hộ Chín', '20002', 1, '2025-02-01 08:00:00')",
      ).run();
      insertBeneficiary(db, [108, '001000000108', 'Ngô Văn Tám', '01/01/1950'], 9); // household without an address
    });
    const result = await open().sync();
    expect(result.counts).toMatchObject({ read: 16, upserted: 9, rejected: 7 });
    expect((await records())(101)).toMatchObject({ personalId: '001000000101' });
    const letters = await hub.raw.readStream('deadletter-btxh-mariadb');
    const reasons = Object.fromEntries(
      letters.map((e) => {
        const data = e.data as {
          sourceKey: { ma_doi_tuong: string };
          issues: { path: string; message: string }[];
        };
        return [data.sourceKey.ma_doi_tuong, data.issues.map((i) => `${i.path} ${i.message}`).join('; ')];
      }),
    );
    expect(reasons).toEqual({
      '102': '/personalId is required',
      '103': '/personalId is required',
      '104': '/personalId must match pattern "^[0-9]{12}$"',
      '105': '/dateOfBirth is an impossible date (no such day on the calendar)',
      '106': '/dateOfBirth is not a date in the format d/m/yyyy',
      '107': '/dateOfBirth is an impossible date (no such day on the calendar)',
      '108': '/permanentResidence/address is required',
    });
    const stored = JSON.stringify(letters);
    for (const [, cccd, name] of dirty) {
      if (cccd) expect(stored).not.toContain(cccd);
      expect(stored).not.toContain(name);
    }
  });

  it('holds two people under one CCCD as an identity conflict, and merges one person entered twice', async () => {
    const c = open();
    await c.sync();
    source((db) => {
      // Another person under the CCCD of row 1.
      insertBeneficiary(db, [201, '001000000001', 'Lý Thị Khác', '05/11/1944']);
      // Row 2's person entered again: CCCD in groups, name with extra spaces, day and month padded.
      insertBeneficiary(db, [202, ' 002000000002 ', '  Lê  Thị Thảo', '03/03/1952']);
    });
    const result = await c.sync();
    // The two new rows, and rows 7 and 8 (the checkpoint's cursor) read again by the look-back.
    expect(result.counts).toMatchObject({
      read: 4,
      reread: 2,
      unchanged: 2,
      upserted: 1,
      rejected: 0,
      quarantined: 1,
    });
    const conflicts = await hub.raw.readStream('conflict-btxh-mariadb');
    expect(conflicts.map((e) => e.type)).toEqual(['ConnectorIdentityConflict']);
    expect(conflicts[0]!.data).toMatchObject({ dataset: 'population', fields: ['fullName', 'dateOfBirth'] });
    expect(JSON.stringify(conflicts)).not.toContain('Lý Thị Khác');
    const record = await records();
    expect(record(1)).toMatchObject({ fullName: 'Trần Văn Phúc', dateOfBirth: '1951-02-02' });
    expect(record(202)).toMatchObject({ fullName: 'Lê Thị Thảo', dateOfBirth: '1952-03-03' });
  });

  it('re-reads the members of a changed household, and records a soft delete', async () => {
    const c = open();
    await c.sync();
    source((db) => {
      db.prepare(
        "UPDATE ho_gia_dinh SET dia_chi_thuong_tru = 'Số 9, ngõ 4 phố Mới', ngay_cap_nhat = '2025-03-01 08:00:00' WHERE ma_ho = 2",
      ).run();
      db.prepare(
        "UPDATE doi_tuong SET da_xoa = 1, ngay_cap_nhat = '2025-03-01 09:00:00' WHERE ma_doi_tuong = 8",
      ).run();
    });
    const second = await c.sync();
    // Rows 4, 5 and 8, and row 7 (at the checkpoint's cursor) read again by the look-back.
    expect(second.counts).toMatchObject({ read: 4, reread: 1, unchanged: 1, upserted: 2, deleted: 1 });
    const record = await records();
    expect(record(4)).toMatchObject({ permanentResidence: { address: 'Số 9, ngõ 4 phố Mới' } });
    expect(record(5)).toMatchObject({ permanentResidence: { address: 'Số 9, ngõ 4 phố Mới' } });
    const deleted = await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordDeleted'] } });
    expect(deleted.map((e) => e.metadata.source?.primaryKey)).toEqual([{ ma_doi_tuong: '8' }]);
  });
});

connectorAcceptance({ name: 'btxh-mariadb', root, source: sqliteFixtureSource('btxh-mariadb', root) });
