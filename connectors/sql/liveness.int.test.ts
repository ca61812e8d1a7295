import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { inspectLock } from '../kit/lock.js';
import { openTestHub } from '../kit/testing.js';
import { type OpenedConnector, openConnector } from '../runtime.js';
import { hubChecksums, populationSource, sourceChecksums } from './testing/compare.js';
import { stallingProxy } from './testing/proxy.js';
import { killSessions, serverAvailable } from './testing/servers.js';

/**
 * A source that fails mid-sync never leaves `sync` waiting: each fault is injected when the second
 * checkpoint is recorded (an event of the run, not a clock), and each test shows the run ending as a
 * transient failure, the run lock released, and the next run resuming to exactly the source's rows.
 */
for (const kind of ['postgres', 'mariadb'] as const) {
  const available = await serverAvailable(kind);
  describe.skipIf(!available)(`population-sql on ${kind}: no hang when the source fails mid-sync`, () => {
    let source: Awaited<ReturnType<typeof populationSource>>;
    let tmp: ReturnType<typeof tempDir>;
    let hub: Awaited<ReturnType<typeof openTestHub>>;
    const open = (url: string, set: string[] = []) =>
      openConnector({
        name: 'population-sql',
        hub,
        logger: silentLogger(),
        set: [`url=${url}`, 'batchSize=500', ...set],
      });

    beforeAll(async () => {
      // On MariaDB the SELECT must still be sending at the second checkpoint (for KILL QUERY to find
      // it, and for KILL to cut a result short): its result (~10 MB of 60,000 rows) has to outgrow
      // what the socket buffers take in while the run waits (~4.5 MB).
      source = await populationSource(kind, kind === 'mariadb' ? 60_000 : 20_000);
    }, 120_000);
    afterAll(async () => {
      await source?.drop();
    });
    beforeEach(async () => {
      tmp = tempDir();
      hub = await openTestHub(tmp.dir);
    });
    afterEach(async () => {
      await hub?.close();
      tmp?.remove();
    });

    /** After a failed run: nothing holds the lock; the next run resumes and the hub equals the source. */
    async function resumesExactly(failed: OpenedConnector, next: OpenedConnector) {
      expect(inspectLock(failed.paths.lock)).toEqual({ state: 'free' });
      const status = await failed.status();
      expect(status.running).toBeNull();
      expect(status.lastRun?.outcome).toBe('failed');
      expect(status.states[0]!.pk).not.toBeNull();

      const resumed = await next.sync();
      expect(resumed.counts.read).toBeGreaterThan(0);
      expect(resumed.counts.read).toBeLessThan(source.rows);
      const upserts = await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } });
      expect(new Set(upserts.map((e) => e.stream)).size).toBe(upserts.length);
      const expected = await sourceChecksums(source.url, hub.sealing.versionKey);
      expect([...(await hubChecksums(hub))].sort()).toEqual([...expected].sort());
      expect((await next.status()).lastRun?.outcome).toBe('completed');
    }

    /** Runs a sync that meets `fault` at its second checkpoint; resolves with its error and what the fault hit. */
    async function failedMidSync(c: OpenedConnector, fault: () => Promise<number> | number) {
      let checkpoints = 0;
      let hit = 0;
      const error = await c
        .sync({
          onCheckpoint: async () => {
            if (++checkpoints === 2) hit = await fault();
          },
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      return { error, hit };
    }

    it(`${kind === 'postgres' ? 'pg_terminate_backend' : 'KILL <id>'} of the reading connection mid-result ends the run as a transient failure; the next run resumes`, async () => {
      const c = open(source.url);
      const { error, hit } = await failedMidSync(c, () => killSessions(kind, source.name));
      expect(error).toMatchObject({ code: 'CONNECTOR_SOURCE_CONNECTION_LOST', failure: 'transient' });
      expect(hit).toBeGreaterThan(0);
      await resumesExactly(c, c);
    }, 120_000);

    it.runIf(kind === 'mariadb')(
      'KILL QUERY <id> mid-sync ends the run as a transient failure; the next run resumes',
      async () => {
        const c = open(source.url);
        const { error, hit } = await failedMidSync(c, () =>
          killSessions(kind, source.name, { queryOnly: true }),
        );
        expect(error).toMatchObject({ code: 'CONNECTOR_SOURCE_CONNECTION_LOST', failure: 'transient' });
        expect(hit).toBe(1);
        await resumesExactly(c, c);
      },
      120_000,
    );

    it('a source host that stops answering mid-sync fails the run on the idle watchdog; the next run resumes', async () => {
      const target = new URL(source.url);
      const proxy = await stallingProxy({ host: target.hostname, port: Number(target.port) });
      try {
        const via = new URL(source.url);
        via.port = String(proxy.port);
        const c = open(via.toString(), ['idleTimeoutMs=3000']);
        const { error, hit } = await failedMidSync(c, () => proxy.stall());
        expect(error).toMatchObject({
          code: 'CONNECTOR_SOURCE_TIMEOUT',
          failure: 'transient',
          message: expect.stringContaining('no batch from the source within 3000 ms (idleTimeoutMs)'),
        });
        expect(hit).toBe(1);
        // The connector dropped the stalled connection rather than leaving it open.
        await proxy.drained();
        await resumesExactly(c, open(via.toString()));
      } finally {
        await proxy.close();
      }
    }, 120_000);
  });
}
