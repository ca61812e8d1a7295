import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorErrorToleranceError } from '../../hub/kernel/errors/index.js';
import { getRecord, openRecord } from '../../hub/modules/records/index.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { connectorAcceptance, sqliteFixtureSource } from '../acceptance.js';
import { openTestHub, projectRecords } from '../kit/testing.js';
import { openConnector } from '../runtime.js';
import { createSqlitePopulation, populationRows } from '../sql/testing/population.js';

describe('population-sql connector on SQLite', () => {
  let tmp: ReturnType<typeof tempDir>;
  let hub: Awaited<ReturnType<typeof openTestHub>>;
  let sourceFile: string;
  const open = (set: string[] = []) =>
    openConnector({
      name: 'population-sql',
      hub,
      logger: silentLogger(),
      set: [`url=sqlite:${sourceFile}`, 'batchSize=40', ...set],
    });

  beforeEach(async () => {
    tmp = tempDir();
    hub = await openTestHub(tmp.dir);
    sourceFile = path.join(tmp.dir, 'population.sqlite');
    createSqlitePopulation(sourceFile, populationRows({ count: 200 }));
  });
  afterEach(async () => {
    await hub.close();
    tmp.remove();
  });

  it('imports every row as a sealed record event with provenance, and a second run appends nothing', async () => {
    const c = open();
    const first = await c.sync();
    expect(first.counts).toMatchObject({ read: 200, upserted: 200, rejected: 0 });
    const records = await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } });
    expect(records).toHaveLength(200);
    const some = records[4]!;
    expect(some.metadata.source).toMatchObject({
      connector: 'population-sql',
      runId: first.runId,
      system: `sqlite:${sourceFile}`,
      table: 'cong_dan',
      primaryKey: { id: '5' },
    });
    expect(some.metadata.source!.position).toMatch(/^ngay_cap_nhat=2025-01-01 08:00:00.000000;id=5$/);
    expect(JSON.stringify(some.data)).not.toContain('Trần');

    const db = await projectRecords(hub.raw);
    const population = hub.datasets.get('population')!;
    const row = getRecord(db, 'population', (some.data as { recordKey: string }).recordKey)!;
    const opened = openRecord(population, row, hub.sealing.keys).values;
    expect(opened.fullName).toBe('Vũ Văn Dũng'.normalize('NFC'));
    expect(opened.fullName).toBe((opened.fullName as string).normalize('NFC'));
    expect(opened.gender).toBe('female');

    const before = (await hub.raw.info()).lastPosition;
    const again = await c.sync();
    // The look-back reads again the rows within 300 s of the checkpoint: only its own row here.
    expect(again.counts).toMatchObject({ read: 1, reread: 1, unchanged: 1, upserted: 0 });
    // Only the run's own events: started, the checkpoint of its one batch (the re-read row), completed.
    const appended = (await hub.raw.readAll()).filter((e) => e.position > before);
    expect(appended.map((e) => [e.stream, e.type])).toEqual([
      ['connector-population-sql', 'ConnectorRunStarted'],
      ['connector-population-sql', 'ConnectorRunCheckpointed'],
      ['connector-population-sql', 'ConnectorRunCompleted'],
    ]);

    await c.reset();
    const reread = await c.sync();
    expect(reread.counts).toMatchObject({ read: 200, upserted: 0, unchanged: 200 });
    expect(await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } })).toHaveLength(200);
  });

  it('picks up changes and soft deletes after the cursor, keeping rows that share a cursor value', async () => {
    const c = open();
    await c.sync();
    const src = new Database(sourceFile);
    src
      .prepare(
        "UPDATE cong_dan SET ho_ten = 'Nguyễn Văn Mới', ngay_cap_nhat = '2025-02-01 00:00:00.000000' WHERE id IN (3, 4)",
      )
      .run();
    src
      .prepare("UPDATE cong_dan SET da_xoa = 1, ngay_cap_nhat = '2025-02-01 00:00:00.000000' WHERE id = 7")
      .run();
    src.close();
    const second = await c.sync();
    // The three changed rows, and the checkpoint's row read again by the look-back.
    expect(second.counts).toMatchObject({ read: 4, reread: 1, upserted: 2, deleted: 1, unchanged: 1 });
    const deleted = await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordDeleted'] } });
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.data).toMatchObject({ reason: 'soft-deleted-at-source' });
    expect(deleted[0]!.metadata.source?.primaryKey).toEqual({ id: '7' });
  });

  it('dry run shows mapped records and the state it would save, and writes nothing', async () => {
    const c = open();
    const dry = await c.sync({ dryRun: true, limit: 5 });
    expect(dry.preview).toHaveLength(5);
    expect(dry.preview![0]).toMatchObject({ sourceKey: '1', action: 'insert', record: { gender: 'female' } });
    expect(dry.states[0]).toMatchObject({ stream: 'cong_dan', cursor: '2025-01-01 08:00:00.000000', pk: 5 });
    expect((await hub.raw.info()).lastPosition).toBe(0);
  });

  it('sends invalid rows to the dead-letter stream without their values, and stops past the tolerance', async () => {
    createDirty();
    const strict = open(['maxRejectedRows=1']);
    await expect(strict.sync()).rejects.toThrow(ConnectorErrorToleranceError);
    const log = await hub.raw.readStream('connector-population-sql', { direction: 'backwards', maxCount: 1 });
    expect(log[0]!.type).toBe('ConnectorRunFailed');
    expect(log[0]!.data).toMatchObject({
      error: { code: 'CONNECTOR_ERROR_TOLERANCE_EXCEEDED', failure: 'config' },
    });

    const c = open(['maxRejectedRows=100']);
    const result = await c.sync();
    expect(result.counts.rejected).toBeGreaterThan(0);
    const dead = await hub.raw.readStream('deadletter-population-sql');
    expect(dead[0]!.data).toMatchObject({ sourceKey: { id: expect.any(String) }, stream: 'cong_dan' });
    const issues = dead.flatMap((e) => (e.data as { issues: { path: string }[] }).issues.map((i) => i.path));
    expect(issues).toContain('/personalId');
    expect(issues).toContain('/gender');
    expect(JSON.stringify(dead)).not.toContain('12345');

    // Read again after a reset, the same rows failing the same way were counted by the runs that
    // dead-lettered them: no second dead letter, and the strict tolerance is not exceeded.
    await c.reset();
    const again = await strict.sync();
    expect(again.counts).toMatchObject({ read: 400, rejected: 0, rejectedAgain: dead.length });
    expect(await hub.raw.readStream('deadletter-population-sql')).toHaveLength(dead.length);
  });

  function createDirty() {
    const src = new Database(sourceFile);
    src.exec('DELETE FROM cong_dan');
    src.close();
    const dirty = populationRows({ count: 400, dirty: true });
    const db = new Database(sourceFile);
    const insert = db.prepare(
      `INSERT INTO cong_dan VALUES (${Object.keys(dirty[0]!)
        .map((k) => `@${k}`)
        .join(', ')})`,
    );
    for (const r of dirty) insert.run(r);
    db.close();
  }

  it('dead-letters the rows of an erased citizen instead of importing them again or failing the run', async () => {
    const first = await open().sync();
    expect(first.counts.rejected).toBe(0);
    const [some] = await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] }, maxCount: 1 });
    const subject = (some!.data as { subject: string }).subject;
    hub.sealing.keys.erase(subject);
    // The citizen's row changes at the source after the erasure.
    const source = new Database(sourceFile);
    source
      .prepare(
        "UPDATE cong_dan SET ho_ten = 'Nguyễn Văn Mới', ngay_cap_nhat = '2026-11-01 08:00:00' WHERE id = ?",
      )
      .run(Number(some!.metadata.source!.primaryKey!.id));
    source.close();
    const again = await open().sync();
    // The changed row, and the checkpoint's row read again by the look-back.
    expect(again.counts).toMatchObject({ read: 2, reread: 1, unchanged: 1, upserted: 0, rejected: 1 });
    const [rejected] = (await hub.raw.readAll({ filter: { eventTypes: ['ConnectorRowRejected'] } })).slice(
      -1,
    );
    expect(JSON.stringify(rejected!.data)).toContain('the data subject was erased');
    expect(JSON.stringify(rejected!.data)).not.toContain(subject);
  });
});

connectorAcceptance({
  name: 'population-sql',
  source: sqliteFixtureSource('population-sql'),
  label: 'population-sql on SQLite',
});
