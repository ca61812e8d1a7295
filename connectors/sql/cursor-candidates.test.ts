import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../hub/testing/temp.js';
import { sqlSource } from './source.js';

describe('discover: cursor candidates', () => {
  let tmp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    tmp = tempDir();
    file = path.join(tmp.dir, 'btxh.sqlite');
  });
  afterEach(() => tmp.remove());
  const candidates = async (ddl: string, rows: string) => {
    const db = new Database(file);
    db.exec(ddl);
    db.exec(rows);
    db.close();
    const catalog = await sqlSource().discover({ url: `sqlite:${file}` } as never);
    return catalog.streams.find((s) => s.name === 'doi_tuong')!.cursorCandidates;
  };

  it('only time columns, integer versions and text holding timestamps; the last-change name and indexed ones first', async () => {
    const found = await candidates(
      `CREATE TABLE doi_tuong (ma_doi_tuong INTEGER PRIMARY KEY, ngay_sinh VARCHAR(10), gioi_tinh INT,
         ngay_huong DATE, ngay_tao DATETIME NOT NULL, nguoi_cap_nhat VARCHAR(50), thoi_gian_cap_nhat VARCHAR(19),
         ngay_cap_nhat DATETIME, ngay_xoa DATETIME, row_version BIGINT);
       CREATE INDEX dt_tao ON doi_tuong (ngay_tao);
       CREATE INDEX dt_cap_nhat ON doi_tuong (ngay_cap_nhat);`,
      `INSERT INTO doi_tuong VALUES
         (1, '02/02/1951', 1, '2024-01-01', '2021-07-01 00:00:00', 'nguyen.van.a', '2025-01-01 08:00:00', '2025-01-01 08:00:00', NULL, 1),
         (2, '3/3/1952', 2, '2024-01-01', '2021-07-01 00:00:00', NULL, '2025-01-02T08:00:00', '2025-01-02 08:00:00', NULL, 2)`,
    );
    expect(found).toEqual(['ngay_cap_nhat', 'thoi_gian_cap_nhat', 'row_version', 'ngay_tao', 'ngay_huong']);
  });

  it('a text column with a last-change name but values that are not timestamps is no candidate', async () => {
    const found = await candidates(
      `CREATE TABLE doi_tuong (ma_doi_tuong INTEGER PRIMARY KEY, ngay_cap_nhat VARCHAR(10), last_update TIMESTAMP);`,
      `INSERT INTO doi_tuong VALUES (1, '01/02/2025', '2025-02-01 00:00:00'), (2, '1/3/2025', NULL)`,
    );
    expect(found).toEqual(['last_update']);
  });
});
