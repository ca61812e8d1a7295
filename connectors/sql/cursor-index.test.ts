import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { openTestHub } from '../kit/testing.js';
import { openConnector } from '../runtime.js';
import { createSqlitePopulation, populationRows } from './testing/population.js';

const btxhFixture = readFileSync(new URL('../btxh-mariadb/fixtures/source.sql', import.meta.url), 'utf8');

describe('check: a cursor column without an index is a warning, not a failure', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: Awaited<ReturnType<typeof openTestHub>>;
  let file: string;
  beforeEach(async () => {
    tmp = tempDir();
    hub = await openTestHub(tmp.dir);
    file = path.join(tmp.dir, 'source.sqlite');
  });
  afterEach(async () => {
    await hub.close();
    tmp.remove();
  });
  const check = (name: string) =>
    openConnector({ name, hub, logger: silentLogger(), set: [`url=sqlite:${file}`] }).check(5000);
  const exec = (sql: string) => {
    const db = new Database(file);
    db.exec(sql);
    db.close();
  };
  const warnings = (r: Awaited<ReturnType<typeof check>>) => r.checks.filter((c) => c.warning);

  it("names the stream's table and cursor column", async () => {
    createSqlitePopulation(file, populationRows({ count: 3 }));
    expect(warnings(await check('population-sql'))).toEqual([]);
    exec('DROP INDEX cong_dan_cap_nhat');
    const result = await check('population-sql');
    expect(result.ok).toBe(true);
    expect(warnings(result)).toEqual([
      {
        name: 'index on cong_dan.ngay_cap_nhat',
        ok: true,
        warning: 'each incremental read scans cong_dan; ask the DBA for an index on ngay_cap_nhat',
      },
    ]);
  });

  it("names a joined table's cursor column", async () => {
    exec(btxhFixture);
    expect(warnings(await check('btxh-mariadb'))).toEqual([]);
    exec('DROP INDEX ho_gia_dinh_cap_nhat');
    const result = await check('btxh-mariadb');
    expect(result.ok).toBe(true);
    expect(warnings(result).map((c) => c.warning)).toEqual([
      'each incremental read scans ho_gia_dinh; ask the DBA for an index on ngay_cap_nhat',
    ]);
  });
});
