import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSourceDatabase } from '../../demo/sources/index.js';
import { ConnectorSourceError } from '../../hub/kernel/errors/index.js';
import {
  loadDatasets,
  openRecord,
  type RecordRow,
  recordsOfSubject,
} from '../../hub/modules/records/index.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { connectorAcceptance } from '../acceptance.js';
import { compileMapping } from '../kit/mapping.js';
import { openTestHub, projectRecords } from '../kit/testing.js';
import { openConnector } from '../runtime.js';
import { openDriver } from './source.js';
import { createTempDatabase, killSessions, serverAvailable } from './testing/servers.js';

const servers = {
  postgres: await serverAvailable('postgres'),
  mariadb: await serverAvailable('mariadb'),
};

async function populationSource(kind: 'postgres' | 'mariadb', rows: number) {
  const db = await createTempDatabase(kind);
  const target = { kind, url: db.url.replace(/^mariadb:/, 'mysql:') } as const;
  const result = await createSourceDatabase(target, 'population', { rows, seed: 7 });
  return { ...db, rows: result.rowsByTable.cong_dan ?? result.rows, cleanup: db.drop };
}

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
      source = await populationSource(kind, 20_000);
      tmp = tempDir();
      hub = await openTestHub(tmp.dir);
    }, 120_000);
    afterAll(async () => {
      await hub?.close();
      tmp?.remove();
      await source?.drop();
    });

    it('resumes after the connection is killed mid-sync; the hub then equals the source, no row lost or doubled', async () => {
      const c = open();
      let checkpoints = 0;
      const failed = c.sync({
        onCheckpoint: async () => {
          if (++checkpoints === 2) await killSessions(kind, source.name);
        },
      });
      await expect(failed).rejects.toMatchObject({
        code: 'CONNECTOR_SOURCE_CONNECTION_LOST',
        failure: 'transient',
      });
      const status = await c.status();
      expect(status.lastRun?.outcome).toBe('failed');
      expect(status.states[0]!.pk).not.toBeNull();

      const resumed = await c.sync();
      expect(resumed.counts.read).toBeLessThan(source.rows);
      const upserts = await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } });
      expect(new Set(upserts.map((e) => e.stream)).size).toBe(upserts.length);

      const expected = await sourceChecksums(source.url, hub.sealing.versionKey);
      const actual = await hubChecksums(hub);
      expect(actual.size).toBe(expected.size);
      expect([...actual].sort()).toEqual([...expected].sort());
    }, 120_000);

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

const checksum = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** Checksums of the source rows the hub should hold: live, valid, mapped. */
async function sourceChecksums(url: string, hashKey: Buffer): Promise<Set<string>> {
  const def = loadDatasets().get('population')!;
  const { default: mapping } = await import('../population-sql/mapping.json', { with: { type: 'json' } });
  const map = compileMapping(mapping as never, def, hashKey);
  const driver = await openDriver(url);
  const out = new Set<string>();
  try {
    for (const row of await driver.query('SELECT * FROM cong_dan')) {
      if (String(row.da_xoa) === 'true' || String(row.da_xoa) === '1') continue;
      const { record } = map(row);
      if (record) out.add(checksum(record));
    }
  } finally {
    await driver.close();
  }
  return out;
}

async function hubChecksums(hub: Awaited<ReturnType<typeof openTestHub>>): Promise<Set<string>> {
  const def = loadDatasets().get('population')!;
  const db = await projectRecords(hub.raw);
  const rows = db
    .prepare("SELECT DISTINCT subject FROM records WHERE dataset = 'population' AND deleted = 0")
    .all() as {
    subject: string;
  }[];
  const out = new Set<string>();
  for (const { subject } of rows) {
    for (const r of recordsOfSubject(db, subject) as RecordRow[]) {
      if (!r.deleted) out.add(checksum(openRecord(def, r, hub.sealing.keys).values));
    }
  }
  db.close();
  return out;
}
