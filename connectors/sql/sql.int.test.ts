import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { connectorAcceptance } from '../acceptance.js';
import { openTestHub } from '../kit/testing.js';
import { openConnector } from '../runtime.js';
import { hubChecksums, populationSource, sourceChecksums } from './testing/compare.js';
import { createTempDatabase, killSessions, serverAvailable } from './testing/servers.js';

const servers = {
  postgres: await serverAvailable('postgres'),
  mariadb: await serverAvailable('mariadb'),
};

for (const kind of ['postgres', 'mariadb'] as const) {
  if (!servers[kind]) {
    describe.skip(`${kind} not reachable on 127.0.0.1: integration tests skipped`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }

  connectorAcceptance({
    name: 'population-sql',
    label: `population-sql on ${kind}`,
    source: () => populationSource(kind, 300),
  });

  describe(`population-sql on ${kind}: faults`, () => {
    let source: Awaited<ReturnType<typeof populationSource>>;
    let tmp: ReturnType<typeof tempDir>;
    let hub: Awaited<ReturnType<typeof openTestHub>>;
    const open = (url = source.url, set: string[] = []) =>
      openConnector({
        name: 'population-sql',
        hub,
        logger: silentLogger(),
        set: [`url=${url}`, 'batchSize=500', ...set],
      });

    beforeAll(async () => {
      // PostgreSQL's cursor fetches one batch at a time: a few thousand rows leave the read under
      // way at the second checkpoint. MariaDB sends the result ahead of the reader: more rows.
      source = await populationSource(kind, kind === 'mariadb' ? 20_000 : 4_000);
      tmp = tempDir();
      hub = await openTestHub(tmp.dir);
    }, 120_000);
    afterAll(async () => {
      await hub?.close();
      tmp?.remove();
      await source?.drop();
    });

    it('with retries, a run whose connection is killed is followed by one that resumes and completes', async () => {
      const c = open();
      await c.reset();
      let checkpoints = 0;
      const retried: string[] = [];
      const done = await c.sync({
        retries: 2,
        retryDelayMs: 10,
        onCheckpoint: async () => {
          if (++checkpoints === 2) await killSessions(kind, source.name);
        },
        onRetry: ({ attempt, error }) => retried.push(`${attempt}:${error.code}`),
      });
      expect(retried).toEqual(['1:CONNECTOR_SOURCE_CONNECTION_LOST']);
      // The retry starts from the failed run's last checkpoint, not from the beginning.
      expect(done.counts.read).toBeLessThan(source.rows);
      // The summary counts both attempts: the failed one read at least its two checkpointed batches.
      expect(done.attempts.map((a) => a.outcome)).toEqual(['failed', 'completed']);
      expect(done.attempts[0]!.error).toMatchObject({ code: 'CONNECTOR_SOURCE_CONNECTION_LOST' });
      expect(done.attempts[0]!.counts.read).toBeGreaterThanOrEqual(1000);
      expect(done.attempts[1]!.counts).toEqual(done.counts);
      expect(done.total.read).toBe(done.attempts[0]!.counts.read + done.counts.read);
      expect(done.total.read).toBeGreaterThanOrEqual(source.rows);
      const status = await c.status();
      expect(status.lastRun?.outcome).toBe('completed');
      const runs = (await hub.raw.readStream('connector-population-sql')).filter((e) =>
        ['ConnectorRunFailed', 'ConnectorRunCompleted'].includes(e.type),
      );
      expect(runs.slice(-2).map((e) => e.type)).toEqual(['ConnectorRunFailed', 'ConnectorRunCompleted']);
      const expected = await sourceChecksums(source.url, hub.sealing.versionKey);
      expect([...(await hubChecksums(hub))].sort()).toEqual([...expected].sort());
    }, 120_000);

    it('does not retry a failure that needs a person (a missing table)', async () => {
      const empty = await createTempDatabase(kind);
      let retries = 0;
      try {
        await expect(
          open(empty.url).sync({ retries: 3, retryDelayMs: 10, onRetry: () => retries++ }),
        ).rejects.toMatchObject({ code: 'CONNECTOR_SOURCE_TABLE_MISSING', failure: 'config' });
        expect(retries).toBe(0);
      } finally {
        await empty.drop();
      }
    });

    it('classifies a missing table, a wrong password and an unreachable host', async () => {
      const empty = await createTempDatabase(kind);
      try {
        const check = await open(empty.url).check(3000);
        expect(check.ok).toBe(false);
        expect(check.error).toMatchObject({ code: 'CONNECTOR_SOURCE_TABLE_MISSING', failure: 'config' });
        await expect(open(empty.url).sync()).rejects.toMatchObject({
          code: 'CONNECTOR_SOURCE_TABLE_MISSING',
        });
      } finally {
        await empty.drop();
      }
      const u = new URL(source.url);
      if (kind === 'postgres') u.username = 'no_such_role';
      else u.password = 'wrong-password';
      const auth = await open(u.toString()).check(3000);
      expect(auth.error).toMatchObject({ code: 'CONNECTOR_SOURCE_AUTH_FAILED', failure: 'config' });

      u.port = '1';
      const started = Date.now();
      const down = await open(u.toString()).check(3000);
      expect(down.error).toMatchObject({ code: 'CONNECTOR_SOURCE_UNREACHABLE', failure: 'transient' });
      expect(down.error!.message).toContain('127.0.0.1');
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect(open(u.toString()).sync()).rejects.toBeInstanceOf(ConnectorSourceError);
    }, 60_000);
  });
}
