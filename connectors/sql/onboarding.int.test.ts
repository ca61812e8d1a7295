import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../hub/testing/cli.js';
import { tempDir } from '../../hub/testing/temp.js';
import { openDriver } from './source.js';
import { createTempDatabase, serverAvailable } from './testing/servers.js';

/**
 * Onboarding a table laid out as an agency lays it out, through the CLI: `init` proposes the key,
 * cursor and soft-delete column from `discover`, `check` names the mapping field that points at a
 * missing column, `fixtures` rewrites the fixture rows for the edited mapping, and the scaffolded
 * test then passes.
 */
const servers = {
  postgres: await serverAvailable('postgres'),
  mariadb: await serverAvailable('mariadb'),
  sqlite: true,
};

const COLUMNS = [
  'ma_nhan_khau',
  'so_cccd',
  'ho_va_ten',
  'ngay_sinh',
  'gioi_tinh',
  'thoi_gian_sua',
  'da_xoa',
  'ngay_xoa',
  'ghi_chu',
];

function ddl(kind: 'postgres' | 'mariadb' | 'sqlite'): string {
  const ts = kind === 'postgres' ? 'TIMESTAMP' : 'DATETIME';
  return `CREATE TABLE nhan_khau (
    ma_nhan_khau VARCHAR(20) PRIMARY KEY, so_cccd CHAR(12) NOT NULL, ho_va_ten VARCHAR(200) NOT NULL,
    ngay_sinh VARCHAR(10), gioi_tinh VARCHAR(5), thoi_gian_sua ${ts} NOT NULL,
    da_xoa SMALLINT NOT NULL DEFAULT 0, ngay_xoa ${ts} NULL, ghi_chu TEXT)`;
}

/** The mapping a developer writes for nhan_khau: dates as dd/mm/yyyy, gender as Nam/Nữ. */
const MAPPING = {
  dataset: 'population',
  fields: {
    personalId: { from: 'so_cccd', trim: true },
    fullName: { from: 'ho_va_ten', nfc: true, trim: true },
    dateOfBirth: { from: 'ngay_sinh', cast: { type: 'date', format: 'dd/mm/yyyy' } },
    gender: { from: 'gioi_tinh', nfc: true, case: 'lower', values: { nam: 'male', nữ: 'female' } },
  },
};

const connector = (...args: string[]) =>
  runScript('connectors/cli/index.ts', args, { PATH: process.env.PATH });

/** Runs the scaffolded test (`<root>/<name>/<name>.test.ts`) with vitest, as the developer would. */
async function scaffoldedTest(root: string): Promise<{ ok: boolean; output: string }> {
  const vitest = path.resolve(import.meta.dirname, '../../node_modules/.bin/vitest');
  try {
    const { stdout } = await promisify(execFile)(vitest, ['run', '--root', root], {
      env: { PATH: process.env.PATH, NO_COLOR: '1' },
    });
    return { ok: true, output: stdout };
  } catch (e) {
    const err = e as { stdout: string; stderr: string };
    return { ok: false, output: `${err.stdout}\n${err.stderr}` };
  }
}

for (const kind of ['sqlite', 'postgres', 'mariadb'] as const) {
  if (!servers[kind]) {
    describe.skip(`${kind} not reachable on 127.0.0.1: onboarding tests skipped`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }

  describe(`onboarding nhan_khau on ${kind} with the CLI`, () => {
    const tmp = tempDir();
    const root = path.join(tmp.dir, 'connectors');
    const dir = path.join(root, 'ho-tich');
    let url: string;
    let drop = async (): Promise<void> => undefined;
    const withRoot = (...args: string[]) => connector(...args, '--connectors-dir', root);

    beforeAll(async () => {
      if (kind === 'sqlite') {
        url = `sqlite:${path.join(tmp.dir, 'source.sqlite')}`;
        const db = new Database(url.slice('sqlite:'.length));
        db.exec(ddl(kind));
        db.close();
        return;
      }
      const db = await createTempDatabase(kind);
      url = db.url;
      drop = db.drop;
      const driver = await openDriver(url, 5000);
      await driver.query(ddl(kind));
      await driver.close();
    }, 60_000);
    afterAll(async () => {
      await drop();
      tmp.remove();
    });

    it('init proposes the key, cursor and soft-delete column from discover, and fixtures with the real columns', async () => {
      const typo = await withRoot('init', 'ho-tich', '--table', 'nhan_khau_', '--set', `url=${url}`);
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain('--table  no table nhan_khau_; did you mean nhan_khau?');

      // PostgreSQL trusts local connections whatever the password: one given must stay out of the manifest.
      const given = kind === 'postgres' ? url.replace('postgres@', 'postgres:s3cret@') : url;
      const res = await withRoot('init', 'ho-tich', '--table', 'nhan_khau', '--set', `url=${given}`);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(
        'primary key ma_nhan_khau, cursor thoi_gian_sua (incremental), soft delete da_xoa',
      );
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'connector.json'), 'utf8'));
      expect(manifest.streams).toEqual([
        {
          table: 'nhan_khau',
          dataset: 'population',
          mode: 'incremental',
          primaryKey: 'ma_nhan_khau',
          cursorField: 'thoi_gian_sua',
          softDelete: { column: 'da_xoa', deletedValues: [1, true, '1'] },
          mapping: 'mapping.json',
        },
      ]);
      expect(manifest.config).toEqual({ url });
      const fixture = new Database(':memory:');
      fixture.exec(fs.readFileSync(path.join(dir, 'fixtures', 'source.sql'), 'utf8'));
      const columns = fixture.pragma('table_info(nhan_khau)') as { name: string }[];
      expect(columns.map((c) => c.name)).toEqual(COLUMNS);
      expect((fixture.prepare('SELECT count(*) AS n FROM nhan_khau').get() as { n: number }).n).toBe(3);
      fixture.close();
    });

    it('check names the mapping field that points at a missing column, and the likeliest one', async () => {
      const res = await withRoot('check', 'ho-tich', '--data-dir', tmp.dir);
      expect(res.code).toBe(2);
      expect(res.stdout).toContain(
        'FAIL columns of nhan_khau: mapping mapping.json: personalId.from → personal_id: no such column in nhan_khau',
      );
      fs.writeFileSync(
        path.join(dir, 'mapping.json'),
        JSON.stringify({
          ...MAPPING,
          fields: { ...MAPPING.fields, fullName: { ...MAPPING.fields.fullName, from: 'ho_va_tenn' } },
        }),
      );
      const typo = await withRoot('check', 'ho-tich', '--data-dir', tmp.dir);
      expect(typo.code).toBe(2);
      expect(typo.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([
        'FAIL columns of nhan_khau: mapping mapping.json: fullName.from → ho_va_tenn: no such column in nhan_khau; did you mean ho_va_ten?',
      ]);
      expect(typo.stdout).toContain('error CONNECTOR_SOURCE_COLUMN_MISSING (config)');
      fs.writeFileSync(path.join(dir, 'mapping.json'), JSON.stringify(MAPPING));
      const fixed = await withRoot('check', 'ho-tich', '--data-dir', tmp.dir);
      expect(fixed.code, fixed.stdout).toBe(0);
      expect(fixed.stdout).toContain('ok   columns of nhan_khau: 7 used, all present');
    });

    it('after the mapping is edited, fixtures rewrites the rows for it and the scaffolded test passes', async () => {
      if (kind === 'sqlite') {
        // The rows written for the first mapping do not fit the edited one: the test says so.
        const stale = await scaffoldedTest(root);
        expect(stale.ok).toBe(false);
        expect(stale.output).toContain('rows the mapping rejected');
      }
      const res = await withRoot('fixtures', 'ho-tich');
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('the 9 columns of nhan_khau, 3 rows for the current mapping');
      const sql = fs.readFileSync(path.join(dir, 'fixtures', 'source.sql'), 'utf8');
      expect(sql).toMatch(/'\d\d\/\d\d\/\d{4}'/);
      const run = await scaffoldedTest(root);
      expect(run.ok, run.output).toBe(true);
      expect(run.output).toContain('5 passed');
    }, 60_000);
  });
}
