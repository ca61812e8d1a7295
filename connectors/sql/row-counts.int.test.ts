import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../hub/testing/cli.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { openTestHub } from '../kit/testing.js';
import { openConnector } from '../runtime.js';
import { COUNT_BOUND, type Dialect } from './driver.js';
import { openDriver } from './source.js';
import { createTempDatabase, serverAvailable } from './testing/servers.js';

/**
 * Row counts of `discover` and of progress estimates: the database's statistics where it keeps
 * them, a count stopped at a bound where it does not. Tables: `analysed` (500 rows, statistics
 * taken, then 100 more rows), `fresh` (150 rows, never analysed), `big` (COUNT_BOUND + 1 rows, never
 * analysed) and `empty`.
 */
const servers = {
  postgres: await serverAvailable('postgres'),
  mariadb: await serverAvailable('mariadb'),
  sqlite: true,
};

/** Creates the four tables; `analyse` takes statistics of `analysed` only. */
async function createTables(dialect: Dialect, url: string): Promise<void> {
  if (dialect === 'sqlite') {
    const db = new Database(url.slice('sqlite:'.length));
    const fill = (table: string, from: number, to: number) =>
      db.exec(
        `WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to}) INSERT INTO ${table} SELECT i, 'x' FROM s`,
      );
    for (const t of ['analysed', 'fresh', 'big', 'empty'])
      db.exec(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY, v TEXT)`);
    fill('analysed', 1, 500);
    db.exec('ANALYZE analysed');
    fill('analysed', 501, 600);
    fill('fresh', 1, 150);
    fill('big', 1, COUNT_BOUND + 1);
    db.close();
    return;
  }
  const driver = await openDriver(url, 5000);
  try {
    const series = (from: number, to: number) =>
      dialect === 'postgres'
        ? `SELECT g, 'x' FROM generate_series(${from}, ${to}) g`
        : `SELECT seq, 'x' FROM seq_${from}_to_${to}`;
    // Autovacuum must not take statistics behind the test's back.
    const options = dialect === 'postgres' ? ' WITH (autovacuum_enabled = false)' : '';
    for (const t of ['analysed', 'fresh', 'big', 'empty'])
      await driver.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, v VARCHAR(10))${options}`);
    await driver.query(`INSERT INTO analysed ${series(1, 500)}`);
    await driver.query(dialect === 'postgres' ? 'ANALYZE analysed' : 'ANALYZE TABLE analysed');
    await driver.query(`INSERT INTO analysed ${series(501, 600)}`);
    await driver.query(`INSERT INTO fresh ${series(1, 150)}`);
    await driver.query(`INSERT INTO big ${series(1, COUNT_BOUND + 1)}`);
  } finally {
    await driver.close();
  }
}

for (const kind of ['postgres', 'mariadb', 'sqlite'] as const) {
  if (!servers[kind]) {
    describe.skip(`${kind} not reachable on 127.0.0.1: row-count tests skipped`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }

  describe(`row counts on ${kind}: statistics, else a bounded count`, () => {
    const tmp = tempDir();
    let url: string;
    let drop = async (): Promise<void> => undefined;
    let hub: Awaited<ReturnType<typeof openTestHub>>;
    const open = () =>
      openConnector({ name: 'population-sql', hub, logger: silentLogger(), set: [`url=${url}`] });

    beforeAll(async () => {
      if (kind === 'sqlite') url = `sqlite:${path.join(tmp.dir, 'source.sqlite')}`;
      else {
        const db = await createTempDatabase(kind);
        url = db.url;
        drop = db.drop;
      }
      await createTables(kind, url);
      hub = await openTestHub(tmp.dir);
    }, 120_000);
    afterAll(async () => {
      await hub?.close();
      await drop();
      tmp.remove();
    });

    it('discover reads the statistics where they exist and counts, up to a bound, where they do not', async () => {
      const catalog = await open().discover();
      const rows = Object.fromEntries(
        catalog.streams.map((s) => [s.name, { rows: s.estimatedRows, from: s.rowsFrom }]),
      );
      if (kind === 'mariadb') {
        // InnoDB keeps TABLE_ROWS for every table it has rows for: an estimate, not a count.
        const driver = await openDriver(url, 5000);
        const stats = await driver.query(
          "SELECT TABLE_NAME AS t, TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('analysed', 'fresh', 'big')",
        );
        await driver.close();
        for (const s of stats) expect(rows[String(s.t)]).toEqual({ rows: Number(s.n), from: 'statistics' });
      } else {
        // As of the ANALYZE, before the last 100 rows: the figure comes from the statistics.
        expect(rows.analysed).toEqual({ rows: 500, from: 'statistics' });
        expect(rows.fresh).toEqual({ rows: 150, from: 'count' });
        expect(rows.big).toEqual({ rows: COUNT_BOUND, from: 'at-least' });
      }
      expect(rows.empty).toEqual({ rows: 0, from: 'count' });
    });

    it('estimates a read from the start by the statistics, and a resumed read by a bounded count', async () => {
      const c = open();
      const estimate = (name: string, resumeAfter: number | null) =>
        c.source.estimate!(
          c.config as never,
          { name, mode: 'full_refresh', primaryKey: 'id', columns: ['id'] },
          resumeAfter === null ? null : { stream: name, mode: 'full_refresh', cursor: null, pk: resumeAfter },
        );
      if (kind === 'mariadb') {
        for (const t of ['analysed', 'fresh', 'big'])
          expect((await estimate(t, null)).from, t).toBe('statistics');
      } else {
        expect(await estimate('analysed', null)).toEqual({ rows: 500, from: 'statistics' });
        expect(await estimate('fresh', null)).toEqual({ rows: 150, from: 'count' });
        expect(await estimate('big', null)).toEqual({ rows: COUNT_BOUND + 1, from: 'count' });
      }
      expect(await estimate('analysed', 550)).toEqual({ rows: 50, from: 'count' });
    });

    if (kind === 'postgres')
      it('the CLI prints where each count comes from', async () => {
        const res = await runScript(
          'connectors/cli/index.ts',
          ['discover', 'population-sql', '--data-dir', tmp.dir, '--set', `url=${url}`],
          { PATH: process.env.PATH },
        );
        expect(res.code, res.stderr).toBe(0);
        expect(res.stdout).toContain('analysed  (~500 rows, from statistics)');
        expect(res.stdout).toContain('fresh  (150 rows, counted: no statistics)');
        expect(res.stdout).toContain(
          `big  (at least ${COUNT_BOUND.toLocaleString('en')} rows: no statistics, counting stopped there)`,
        );
        expect(res.stdout).toContain('empty  (0 rows, counted: no statistics)');
      }, 60_000);
  });
}
