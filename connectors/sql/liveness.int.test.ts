import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { inspectLock } from '../kit/lock.js';
import { openTestHub } from '../kit/testing.js';
import { type OpenedConnector, openConnector } from '../runtime.js';
import {
  hubChecksums,
  keepAfterCheckpoint,
  populationSource,
  softDeleteAfter,
  sourceChecksums,
} from './testing/compare.js';
import { stallingProxy } from './testing/proxy.js';
import { copyTempDatabase, killSessions, serverAvailable } from './testing/servers.js';

/**
 * A source that fails mid-sync never leaves `sync` waiting: each fault is injected when the second
 * checkpoint is recorded (an event of the run, not a clock), and each test shows the run ending as a
 * transient failure, the run lock released, and the next run resuming to exactly the source's rows.
 * Each test has its own copy of the source generated once per server (its faults hit no other
 * test's sessions), so the tests that kill connections run at once; the ones that wait for the idle
 * watchdog run alone, where no other test's work holds up the batches they time.
 */
const KINDS = ['postgres', 'mariadb'] as const;
type Kind = (typeof KINDS)[number];
const available: Record<Kind, boolean> = {
  postgres: await serverAvailable('postgres'),
  mariadb: await serverAvailable('mariadb'),
};
/** Live rows at the start of a source (in read order); the rest are soft-deleted, so a sync passes them over. */
const LIVE = 3_000;
/** Rows left after the failed run's checkpoint, live, for the next run to read (the rest are deleted). */
const TAIL = 2_000;

const templates = new Map<Kind, Awaited<ReturnType<typeof populationSource>>>();
beforeAll(async () => {
  // On MariaDB the SELECT must still be sending at the second checkpoint (for KILL QUERY to find it,
  // for KILL to cut a result short, for the stalled proxy to hold it up): its result (~10 MB of
  // 60,000 rows) has to outgrow what the socket buffers take in while the run waits (~4.5 MB), and
  // the run drains those buffers before it meets the fault. Past the first LIVE rows they are
  // soft-deleted rows with no record, which it passes over. PostgreSQL's cursor fetches one batch at
  // a time.
  for (const kind of KINDS) {
    if (!available[kind]) continue;
    const source = await populationSource(kind, kind === 'mariadb' ? 60_000 : 4_000);
    await softDeleteAfter(source.url, LIVE);
    templates.set(kind, source);
  }
}, 120_000);
afterAll(async () => {
  for (const t of templates.values()) await t.drop();
});

/** A copy of the source and a hub of the test's own, both removed when it ends. */
async function fixture(kind: Kind, { onTestFinished }: TestContext) {
  const source = await copyTempDatabase(kind, templates.get(kind)!.name, ['ho_gia_dinh', 'cong_dan']);
  const tmp = tempDir();
  const hub = await openTestHub(tmp.dir);
  onTestFinished(async () => {
    await hub.close();
    tmp.remove();
    await source.drop();
  });
  const open = (url: string, set: string[] = []) =>
    openConnector({
      name: 'population-sql',
      hub,
      logger: silentLogger(),
      set: [`url=${url}`, 'batchSize=500', ...set],
    });
  return { source, hub, open };
}

/**
 * After a failed run: nothing holds the lock. Only `TAIL` rows are left past its checkpoint, all
 * live (the next run needs no more to show where it starts); the next run reads exactly those,
 * besides what the look-back reads again, and the hub then equals the source.
 */
async function resumesExactly(
  { source, hub }: Awaited<ReturnType<typeof fixture>>,
  failed: OpenedConnector,
  next: OpenedConnector,
) {
  expect(inspectLock(failed.paths.lock)).toEqual({ state: 'free' });
  const status = await failed.status();
  expect(status.running).toBeNull();
  expect(status.lastRun?.outcome).toBe('failed');
  expect(status.states[0]!.pk).not.toBeNull();
  await keepAfterCheckpoint(source.url, status.states[0]!, TAIL);

  const resumed = await next.sync();
  expect(resumed.counts.read - resumed.counts.reread).toBe(TAIL);
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

describe.concurrent('population-sql: no hang when the reading connection is killed mid-sync', () => {
  for (const kind of KINDS) {
    describe.skipIf(!available[kind])(`on ${kind}`, () => {
      it(`${kind === 'postgres' ? 'pg_terminate_backend' : 'KILL <id>'} of the reading connection mid-result ends the run as a transient failure; the next run resumes`, async (t) => {
        const f = await fixture(kind, t);
        const c = f.open(f.source.url);
        const { error, hit } = await failedMidSync(c, () => killSessions(kind, f.source.name));
        expect(error).toMatchObject({ code: 'CONNECTOR_SOURCE_CONNECTION_LOST', failure: 'transient' });
        expect(hit).toBeGreaterThan(0);
        await resumesExactly(f, c, c);
      }, 120_000);

      it.runIf(kind === 'mariadb')(
        'KILL QUERY <id> mid-sync ends the run as a transient failure; the next run resumes',
        async (t) => {
          const f = await fixture(kind, t);
          const c = f.open(f.source.url);
          const { error, hit } = await failedMidSync(c, () =>
            killSessions(kind, f.source.name, { queryOnly: true }),
          );
          expect(error).toMatchObject({ code: 'CONNECTOR_SOURCE_CONNECTION_LOST', failure: 'transient' });
          expect(hit).toBe(1);
          await resumesExactly(f, c, c);
        },
        120_000,
      );
    });
  }
});

describe('population-sql: no hang when the source host stops answering mid-sync', () => {
  for (const kind of KINDS) {
    it.skipIf(!available[kind])(
      `on ${kind}: the run fails on the idle watchdog; the next run resumes`,
      async (t) => {
        const f = await fixture(kind, t);
        const target = new URL(f.source.url);
        const proxy = await stallingProxy({ host: target.hostname, port: Number(target.port) });
        try {
          const via = new URL(f.source.url);
          via.port = String(proxy.port);
          const c = f.open(via.toString(), ['idleTimeoutMs=2000']);
          const { error, hit } = await failedMidSync(c, () => proxy.stall());
          expect(error).toMatchObject({
            code: 'CONNECTOR_SOURCE_TIMEOUT',
            failure: 'transient',
            message: expect.stringContaining('no batch from the source within 2000 ms (idleTimeoutMs)'),
          });
          expect(hit).toBe(1);
          // The connector dropped the stalled connection rather than leaving it open.
          await proxy.drained();
          await resumesExactly(f, c, f.open(via.toString()));
        } finally {
          await proxy.close();
        }
      },
      120_000,
    );
  }
});
