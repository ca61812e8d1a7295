import { afterEach, describe, expect, it } from 'vitest';
import type { SqlDriver } from './driver.js';
import { openDriver } from './source.js';
import { createTempDatabase, serverAvailable } from './testing/servers.js';

/**
 * `queryTimeoutMs` bounds each wait on the source, not the length of a streamed read: a read that
 * lasts several times the timeout completes as long as each batch comes within it, while one batch
 * (or one query) slower than it still fails as a transient CONNECTOR_SOURCE_TIMEOUT.
 */
const QUERY_TIMEOUT_MS = 1000;
/** 300 rows, each ~10 ms at the server: a read of ~3 s, several times the timeout, in batches of ~100 ms. */
const SLOW_ROWS = {
  postgres: 'SELECT g AS n, pg_sleep(0.01) AS s FROM generate_series(1, 300) g',
  mariadb: 'SELECT seq AS n, SLEEP(0.01) AS s FROM seq_1_to_300',
};
/** One statement that needs far longer than the timeout. */
const TOO_SLOW = {
  postgres: 'SELECT pg_sleep(30) AS s',
  mariadb: 'SELECT COUNT(*) AS n FROM seq_1_to_100000 a JOIN seq_1_to_100000 b ON a.seq + b.seq = 3',
};

for (const kind of ['postgres', 'mariadb'] as const) {
  describe.skipIf(!(await serverAvailable(kind)))(`${kind}: queryTimeoutMs over a streamed read`, () => {
    const opened: { driver: SqlDriver; drop(): Promise<void> }[] = [];
    afterEach(async () => {
      for (const o of opened.splice(0)) {
        await o.driver.close();
        await o.drop();
      }
    });
    const open = async () => {
      const db = await createTempDatabase(kind);
      const driver = await openDriver(db.url, { queryTimeoutMs: QUERY_TIMEOUT_MS });
      opened.push({ driver, drop: db.drop });
      return driver;
    };
    const readAll = async (driver: SqlDriver, sql: string, batchSize: number) => {
      const seen: number[] = [];
      for await (const rows of driver.stream(sql, [], batchSize)) seen.push(...rows.map((r) => Number(r.n)));
      return seen;
    };

    it('a read lasting several times queryTimeoutMs, each batch within it, completes', async () => {
      const driver = await open();
      const started = Date.now();
      const seen = await readAll(driver, SLOW_ROWS[kind], 10);
      expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      // The read outlasted the timeout (the point of the test), whatever the machine's speed.
      expect(Date.now() - started).toBeGreaterThan(QUERY_TIMEOUT_MS);
      // The session is as it was: a query after the read answers, and is still bounded at the server.
      expect(await driver.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await expect(driver.query(TOO_SLOW[kind])).rejects.toMatchObject({
        code: 'CONNECTOR_SOURCE_TIMEOUT',
        failure: 'transient',
      });
      // The server cancelled the statement: the connection was kept, not dropped by the client.
      expect(await driver.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    }, 60_000);

    it('a read stopped early leaves the session usable', async () => {
      const driver = await open();
      for await (const rows of driver.stream(SLOW_ROWS[kind], [], 10)) {
        expect(rows).toHaveLength(10);
        break;
      }
      expect(await driver.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect(await readAll(driver, SLOW_ROWS[kind].replace('300', '20'), 10)).toHaveLength(20);
    }, 60_000);

    it.runIf(kind === 'postgres')(
      'one batch slower than queryTimeoutMs fails the read as a transient timeout; the session goes on',
      async () => {
        const driver = await open();
        await expect(readAll(driver, TOO_SLOW[kind], 10)).rejects.toMatchObject({
          code: 'CONNECTOR_SOURCE_TIMEOUT',
          failure: 'transient',
        });
        expect(await driver.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      },
      60_000,
    );
  });
}
