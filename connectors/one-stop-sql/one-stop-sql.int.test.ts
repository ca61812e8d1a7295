import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOneStop, type OneStopResult } from '../../demo/sources/one-stop.js';
import {
  connectMariadb,
  connectPostgres,
  type SourceTarget,
  serverAvailable,
  withTempDatabase,
} from '../../demo/sources/servers.js';
import type { RecordedEvent } from '../../hub/kernel/event-store.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { openTestHub } from '../kit/testing.js';
import { openConnector } from '../runtime.js';

const KINDS = ['postgres', 'mariadb'] as const;
const available = Object.fromEntries(
  await Promise.all(KINDS.map(async (k) => [k, await serverAvailable(k)])),
);

/** Runs SQL on the source (the agency's system writing its history). */
async function execute(target: SourceTarget, statements: string[]): Promise<void> {
  if (target.kind === 'postgres') {
    const client = await connectPostgres(target.url);
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
    return;
  }
  const conn = await connectMariadb(target.url);
  try {
    for (const sql of statements) await conn.query(sql);
  } finally {
    await conn.end();
  }
}

for (const kind of KINDS) {
  describe.skipIf(!available[kind])(`one-stop-sql on ${kind}`, () => {
    let target: SourceTarget;
    let generated: OneStopResult;
    let release: () => void;
    let dropped: Promise<unknown> = Promise.resolve();
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hubs: { close(): Promise<void>; remove(): void }[] = [];
    const hub = async () => {
      const tmp = tempDir();
      const h = await openTestHub(tmp.dir);
      hubs.push({ close: () => h.close(), remove: () => tmp.remove() });
      return h;
    };
    const open = (h: Awaited<ReturnType<typeof hub>>, set: string[] = []) =>
      openConnector({
        name: 'one-stop-sql',
        hub: h,
        logger: silentLogger(),
        set: [`url=${target.url}`, ...set],
      });
    const dossierEvents = async (h: Awaited<ReturnType<typeof hub>>): Promise<RecordedEvent[]> =>
      h.raw.readAll({ filter: { streamPrefixes: ['dossier-'] } });

    beforeAll(async () => {
      const ready = new Promise<void>((resolve, reject) => {
        dropped = withTempDatabase(kind, async (t) => {
          target = t;
          try {
            generated = await generateOneStop({
              driver: kind,
              connection: t.url,
              dossiers: 150,
              seed: 7,
              from: '2025-01-01',
              to: '2025-03-31',
              impossibleRate: 0.04,
            });
            resolve();
          } catch (e) {
            reject(e);
          }
          await done;
        }).catch(reject);
      });
      await ready;
    }, 120_000);
    afterAll(async () => {
      for (const h of hubs) {
        await h.close();
        h.remove();
      }
      release();
      await dropped;
    });

    it('syncs every history row into dossier events with provenance, dead-lettering impossible rows without stopping', async () => {
      expect(generated.impossible).toBeGreaterThan(0);
      const h = await hub();
      const c = open(h, ['batchSize=100']);
      const first = await c.sync();
      expect(first.counts).toMatchObject({
        read: generated.actions,
        rejected: generated.impossible,
        upserted: generated.actions - generated.impossible,
      });
      const events = await dossierEvents(h);
      expect(new Set(events.map((e) => e.stream)).size).toBe(generated.dossiers);
      const submitted = events.find((e) => e.type === 'DossierSubmitted')!;
      expect(submitted.metadata.source).toMatchObject({
        connector: 'one-stop-sql',
        runId: first.runId,
        table: 'opencps_dossieraction',
        primaryKey: { dossieractionid: expect.any(String) },
      });
      expect(submitted.metadata.occurredAt).toMatch(/^2025-0[1-3]-/);
      expect((submitted.data as { applicant: string }).applicant).toMatch(/^[0-9a-f]{32}$/);
      expect(JSON.stringify(events)).not.toMatch(/Nguyễn|Trần|applicantName|Hà Nội/);
      const types = new Set(events.map((e) => e.type));
      for (const t of ['DossierReceived', 'DossierApproved', 'DossierResultIssued', 'DossierResultReturned'])
        expect(types).toContain(t);

      const letters = await h.raw.readAll({ filter: { streamPrefixes: ['deadletter-one-stop-sql'] } });
      expect(letters).toHaveLength(generated.impossible);
      for (const l of letters) {
        expect((l.data as { issues: { message: string }[] }).issues[0]!.message).toMatch(
          /^DOSSIER_INVALID_TRANSITION: dossier .* is submitted: ReturnResult is not allowed$/,
        );
      }

      // idempotent: again, and from the start after a reset, nothing is appended
      const before = (await h.raw.info()).lastPosition;
      expect((await c.sync()).counts.upserted).toBe(0);
      await c.reset();
      const again = await c.sync();
      expect(again.counts).toMatchObject({
        read: generated.actions,
        upserted: 0,
        rejected: 0,
        rejectedAgain: generated.impossible,
      });
      const after = await h.raw.readAll({ filter: { streamPrefixes: ['dossier-', 'deadletter-'] } });
      expect(after.filter((e) => e.position > before)).toEqual([]);

      // incremental: a new dossier's history rows, written after the checkpoint
      await execute(target, [
        `INSERT INTO opencps_dossier (dossierid, groupid, createdate, modifieddate, dossierno, servicecode, govagencycode, applicantname, applicantidtype, applicantidno, dossierstatus, online, submitdate)
         VALUES (90001, 1, '2025-04-02 02:00:00', '2025-04-02 04:00:00', '000.04.01.H26-250402-0001', '1.001193', '000.04.01.H26', 'Lê Văn Mới', 'citizen', '001099012345', 'processing', ${kind === 'postgres' ? 'TRUE' : '1'}, '2025-04-02 02:00:00')`,
        `INSERT INTO opencps_dossieraction (dossieractionid, dossierid, createdate, modifieddate, prestatus, dossierstatus, actionuser, duedate) VALUES
         (90001, 90001, '2025-04-02 02:00:00', '2025-04-02 02:00:00', NULL, 'new', 'cb.04.1', NULL),
         (90002, 90001, '2025-04-02 03:00:00', '2025-04-02 03:00:00', 'new', 'receiving', 'cb.04.1', '2025-04-03 10:00:00'),
         (90003, 90001, '2025-04-02 04:00:00', '2025-04-02 04:00:00', 'receiving', 'processing', 'cb.04.2', NULL)`,
      ]);
      const next = await c.sync();
      expect(next.counts).toMatchObject({ upserted: 3, rejected: 0 });
      const added = (await dossierEvents(h)).filter((e) => e.stream === 'dossier-000.04.01.H26-250402-0001');
      expect(added.map((e) => e.type)).toEqual(['DossierSubmitted', 'DossierReceived', 'DossierAssigned']);
      expect(added.map((e) => e.metadata.occurredAt)).toEqual([
        '2025-04-02T02:00:00.000Z',
        '2025-04-02T03:00:00.000Z',
        '2025-04-02T04:00:00.000Z',
      ]);
      expect((await c.sync()).counts.upserted).toBe(0);
    }, 120_000);

    it('resumes after a crash from its last checkpoint, appending each event once', async () => {
      const whole = await hub();
      await open(whole).sync();
      const expected = (await dossierEvents(whole)).map((e) => e.id).sort();

      const h = await hub();
      const c = open(h, ['batchSize=50', 'cursorLookback=0']);
      let checkpoints = 0;
      await expect(
        c.sync({
          onCheckpoint: () => {
            if (++checkpoints === 3) throw new Error('killed between batches');
          },
        }),
      ).rejects.toThrow('killed between batches');
      const partial = await dossierEvents(h);
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(expected.length);
      const resumed = await c.sync();
      expect(resumed.counts.read).toBeLessThan(generated.actions + 3);
      const ids = (await dossierEvents(h)).map((e) => e.id).sort();
      expect(ids).toEqual(expected);
    }, 120_000);
  });
}
