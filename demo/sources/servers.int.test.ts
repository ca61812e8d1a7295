import type mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { SOURCE_DATASETS } from './ddl.js';
import { loadGeography } from './geography.js';
import { createSourceDatabase, DRAWN_FROM_POPULATION } from './load.js';
import { populationRows } from './population.js';
import {
  connectMariadb,
  connectPostgres,
  listDatabases,
  serverAvailable,
  withTempDatabase,
} from './servers.js';

const geography = loadGeography();
const ROWS = 3000;

/** Runs a query on a source database of either server kind; rows as plain objects. */
async function query(
  kind: 'postgres' | 'mariadb',
  url: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  if (kind === 'postgres') {
    const client = await connectPostgres(url);
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }
  const conn = await connectMariadb(url);
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(sql);
    return rows;
  } finally {
    await conn.end();
  }
}

for (const kind of ['postgres', 'mariadb'] as const) {
  const available = await serverAvailable(kind);
  if (!available) console.warn(`skipping ${kind} source database tests: no ${kind} server reachable`);

  describe.skipIf(!available)(`${kind} source databases`, () => {
    it('creates every dataset with its row counts in a temporary database that is dropped afterwards', async () => {
      let name = '';
      for (const dataset of SOURCE_DATASETS) {
        await withTempDatabase(kind, async (target) => {
          name = new URL(target.url).pathname.slice(1);
          expect(await listDatabases(kind)).toContain(name);
          const result = await createSourceDatabase(target, dataset, { rows: ROWS, seed: 2, geography });
          if (DRAWN_FROM_POPULATION.has(dataset)) expect(result.rows).toBeGreaterThan(ROWS / 3);
          else expect(result.rows).toBe(ROWS);
          for (const table of result.tables) {
            const [row] = await query(kind, target.url, `SELECT count(*) AS n FROM ${table}`);
            expect(Number(row!.n)).toBe(result.rowsByTable[table]);
          }
        });
        expect(await listDatabases(kind)).not.toContain(name);
      }
    });

    it('keeps the values byte for byte (NFD names, padding, NULLs) and the cursor batches', async () => {
      await withTempDatabase(kind, async (target) => {
        await createSourceDatabase(target, 'population', { rows: ROWS, seed: 4, geography });
        const expected = [...populationRows({ count: ROWS, seed: 4, geography })];
        const rows = await query(
          kind,
          target.url,
          `SELECT id, so_dinh_danh, ho_ten, ${kind === 'postgres' ? "to_char(ngay_sinh, 'YYYY-MM-DD')" : 'ngay_sinh'} AS ngay_sinh,
             ma_huyen, ${kind === 'postgres' ? "to_char(ngay_cap_nhat, 'YYYY-MM-DD HH24:MI:SS')" : 'ngay_cap_nhat'} AS ngay_cap_nhat,
             da_xoa FROM cong_dan ORDER BY id`,
        );
        expect(rows.map((r) => ({ ...r, id: Number(r.id), da_xoa: Boolean(r.da_xoa) }))).toEqual(
          expected.map((r) => ({
            id: r.id,
            so_dinh_danh: r.so_dinh_danh,
            ho_ten: r.ho_ten,
            ngay_sinh: r.ngay_sinh,
            ma_huyen: r.ma_huyen,
            ngay_cap_nhat: r.ngay_cap_nhat,
            da_xoa: r.da_xoa,
          })),
        );
        expect(rows.some((r) => typeof r.ho_ten === 'string' && r.ho_ten !== r.ho_ten.normalize('NFC'))).toBe(
          true,
        );
        const [shared] = await query(
          kind,
          target.url,
          'SELECT ngay_cap_nhat, count(*) AS n FROM cong_dan GROUP BY ngay_cap_nhat ORDER BY count(*) DESC LIMIT 1',
        );
        expect(Number(shared!.n)).toBeGreaterThan(10);
      });
    });

    it('continues ids after the load, enforces unique ID numbers and bumps ngay_cap_nhat on update', async () => {
      await withTempDatabase(kind, async (target) => {
        await createSourceDatabase(target, 'population', { rows: 200, seed: 1, geography });
        await query(
          kind,
          target.url,
          "INSERT INTO cong_dan (so_dinh_danh, ho_ten) VALUES ('001099000001', 'Mới')",
        );
        const [inserted] = await query(
          kind,
          target.url,
          "SELECT id FROM cong_dan WHERE so_dinh_danh = '001099000001'",
        );
        expect(Number(inserted!.id)).toBe(201);
        await expect(
          query(kind, target.url, "INSERT INTO cong_dan (so_dinh_danh) VALUES ('001099000001')"),
        ).rejects.toThrow(/duplicate|unique/i);
        const stamp = 'SELECT ngay_cap_nhat FROM cong_dan WHERE id = 1';
        const [before] = await query(kind, target.url, stamp);
        await query(kind, target.url, "UPDATE cong_dan SET ho_ten = 'Lê Thị Hoa' WHERE id = 1");
        const [after] = await query(kind, target.url, stamp);
        expect(new Date(String(after!.ngay_cap_nhat)) > new Date(String(before!.ngay_cap_nhat))).toBe(true);
      });
    });
  });
}
