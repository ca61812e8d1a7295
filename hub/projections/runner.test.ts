import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../eventstore/sqlite.js';
import { UnknownProjectionError } from '../kernel/errors/index.js';
import type { EventStore, RecordedEvent } from '../kernel/event-store.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';
import { silentLogger, tempDir } from '../testing/temp.js';
import { resetReadModel } from './batch.js';
import { Checkpoints, openReadModelDb } from './db.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './runner.js';
import { ledgerPositions, ledgerProjection, TestWriter } from './test-events.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ProjectionRunner', () => {
  let temp: ReturnType<typeof tempDir>;
  let store: EventStore;
  let writer: TestWriter;
  const dbs: ReadModelDb[] = [];
  const runners: ProjectionRunner[] = [];

  beforeEach(async () => {
    temp = tempDir();
    store = await openSqliteEventStore({ file: path.join(temp.dir, 'events.db'), logger: silentLogger() });
    writer = new TestWriter(store);
  });

  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    for (const db of dbs.splice(0)) db.close();
    await store.close();
    temp.remove();
  });

  function readModels(): ReadModelDb {
    const db = openReadModelDb(path.join(temp.dir, 'readmodels.db'));
    dbs.push(db);
    return db;
  }

  function runner(
    projections: ProjectionDefinition[],
    db = readModels(),
    extra: Partial<ProjectionRunnerOptions> = {},
  ) {
    const r = new ProjectionRunner({ store, db, projections, logger: silentLogger(), ...extra });
    runners.push(r);
    return r;
  }

  it('catches up from zero, goes live and applies new events', async () => {
    await writer.many('dossier', 25);
    const db = readModels();
    const r = runner([ledgerProjection()], db, { pageSize: 7 });
    await r.start();
    await r.whenCaughtUp();
    expect(ledgerPositions(db)).toEqual(range(1, 25));

    const last = await writer.many('consent', 5);
    await r.waitForPosition(last);
    expect(ledgerPositions(db)).toEqual(range(1, 30));
    const [status] = await r.status();
    expect(status).toMatchObject({ name: 'ledger', state: 'live', checkpoint: 30, lastPosition: 30, lag: 0 });
  });

  it('lets the process serve other work between pages while it catches up', async () => {
    await writer.many('dossier', 40);
    const ledger = ledgerProjection();
    /** Whether a task queued while the first page was applied had run when each event was applied. */
    const servedBy = new Map<number, boolean>();
    let served = false;
    const watching: ProjectionDefinition = {
      ...ledger,
      open(db) {
        const handler = ledger.open(db);
        return {
          ...handler,
          apply(event) {
            if (event.position === 1) setImmediate(() => (served = true));
            servedBy.set(event.position, served);
            handler.apply(event);
          },
        };
      },
    };
    const r = runner([watching], readModels(), { pageSize: 8 });
    await r.start();
    await r.whenCaughtUp();
    expect(servedBy.get(8)).toBe(false);
    expect(servedBy.get(40)).toBe(true);
  });

  it('survives a stop mid-stream: after restart every event is applied exactly once', async () => {
    await writer.many('dossier', 300);
    const first = runner([ledgerProjection()], readModels(), { pageSize: 10 });
    await first.start();
    await first.waitForPosition(50);
    await first.stop();
    const stoppedAt = ledgerPositions(dbs[0]!).length;
    expect(stoppedAt).toBeGreaterThanOrEqual(50);
    expect(stoppedAt).toBeLessThan(300);
    expect((await first.status())[0]).toMatchObject({ state: 'stopped', checkpoint: stoppedAt });

    await writer.many('consent', 20);
    const db = readModels();
    const second = runner([ledgerProjection()], db, { pageSize: 10 });
    await second.start();
    await second.waitForPosition(320);
    await second.whenCaughtUp();
    expect(ledgerPositions(db)).toEqual(range(1, 320));
    expect((await second.status())[0]).toMatchObject({ state: 'live', checkpoint: 320, lastError: null });
  });

  it('skips events at or below the stored checkpoint, even when two runners share the read model', async () => {
    await writer.many('dossier', 120);
    const a = runner([ledgerProjection()], readModels(), { pageSize: 9, batchSize: 4 });
    const b = runner([ledgerProjection()], readModels(), { pageSize: 13, batchSize: 3 });
    await Promise.all([a.start(), b.start()]);
    const live = [writer.many('consent', 40), writer.many('agency', 40)];
    await Promise.all(live);
    await Promise.all([a.waitForPosition(200), b.waitForPosition(200)]);
    expect(ledgerPositions(dbs[0]!)).toEqual(range(1, 200));
    for (const s of [...(await a.status()), ...(await b.status())]) expect(s.state).toBe('live');
  });

  it('catches up again when another process resets the read model under it', async () => {
    await writer.many('dossier', 50);
    const db = readModels();
    const service = runner([ledgerProjection()], db, { pageSize: 8, batchSize: 4 });
    await service.start();
    await service.whenCaughtUp();

    const other = readModels();
    const definition = ledgerProjection();
    resetReadModel(other, new Checkpoints(other), definition, definition.open(other));
    expect(ledgerPositions(db)).toEqual([]);

    await service.waitForPosition(await writer.many('consent', 30));
    await service.whenCaughtUp();
    expect(ledgerPositions(db)).toEqual(range(1, 80));
    expect((await service.status())[0]).toMatchObject({ state: 'live', checkpoint: 80, lastError: null });
  });

  it('shares a read model with a concurrent rebuild in another runner', async () => {
    await writer.many('dossier', 50);
    const service = runner([ledgerProjection()], readModels(), { pageSize: 8, batchSize: 4 });
    await service.start();
    await service.whenCaughtUp();
    const cli = runner([ledgerProjection()], readModels(), { pageSize: 2 });
    await Promise.all([cli.rebuild('ledger'), writer.many('consent', 30)]);
    await service.waitForPosition(80);
    expect(ledgerPositions(dbs[0]!)).toEqual(range(1, 80));
  });

  it('delivers only events matching the filter, yet reports no lag', async () => {
    await writer.many('dossier', 10);
    await writer.many('consent', 4);
    await writer.many('dossier', 6);
    const db = readModels();
    const r = runner([ledgerProjection('consents', 1, { streamPrefixes: ['consent-'] })], db);
    await r.start();
    await r.whenCaughtUp();
    expect(ledgerPositions(db, 'consents')).toEqual(range(11, 14));
    expect((await r.status())[0]).toMatchObject({ checkpoint: 20, lag: 0 });

    const last = await writer.many('agency', 3);
    await r.waitForPosition(last);
    expect((await r.status())[0]).toMatchObject({ lag: 0, state: 'live' });
  });

  it('rebuild from zero gives the same read model as incremental application', async () => {
    const db = readModels();
    const r = runner([ledgerProjection()], db, { pageSize: 16, batchSize: 5 });
    await writer.many('dossier', 40);
    await r.start();
    await r.whenCaughtUp();
    await r.waitForPosition(await writer.many('consent', 30));
    const incremental = db.prepare('SELECT * FROM ledger ORDER BY position').all();
    expect(incremental).toHaveLength(70);

    const progress: number[] = [];
    const result = await r.rebuild('ledger', { onProgress: (p) => progress.push(p.done) });
    expect(result).toMatchObject({ projection: 'ledger', applied: 70, checkpoint: 70 });
    expect(progress.at(-1)).toBe(70);
    expect(db.prepare('SELECT * FROM ledger ORDER BY position').all()).toEqual(incremental);

    await r.whenCaughtUp();
    await r.waitForPosition(await writer.append('agency-1'));
    expect(ledgerPositions(db)).toEqual(range(1, 71));
  });

  it('rebuilds through a rebuilder in memory: one write with the checkpoint, then live again', async () => {
    const base = ledgerProjection();
    const folded: number[] = [];
    let writes = 0;
    const inMemory: ProjectionDefinition = {
      ...base,
      open(db) {
        const handler = base.open(db);
        return {
          ...handler,
          rebuilder: () => ({
            apply: (e) => void folded.push(e.position),
            write: () => {
              writes++;
              expect(db.inTransaction).toBe(true);
              for (const position of folded) handler.apply({ position, type: 'folded' } as RecordedEvent);
            },
          }),
        };
      },
    };
    const db = readModels();
    const r = runner([inMemory], db, { pageSize: 16 });
    await writer.many('dossier', 40);
    await r.start();
    await r.whenCaughtUp();
    const result = await r.rebuild('ledger');
    expect(result).toMatchObject({ applied: 40, checkpoint: 40 });
    expect(writes).toBe(1);
    expect(folded).toEqual(range(1, 40));
    expect(new Checkpoints(db).get('ledger')?.position).toBe(40);
    expect(db.prepare("SELECT count(*) FROM ledger WHERE type = 'folded'").pluck().get()).toBe(40);

    await r.whenCaughtUp();
    await r.waitForPosition(await writer.append('agency-1'));
    expect(ledgerPositions(db)).toEqual(range(1, 41));
  });

  it('rebuilds a read model whose version changed', async () => {
    await writer.many('dossier', 15);
    const v1 = runner([ledgerProjection('ledger', 1)]);
    await v1.start();
    await v1.whenCaughtUp();
    await v1.stop();

    const db = readModels();
    const v2 = runner([ledgerProjection('ledger', 2)], db);
    await v2.start();
    await v2.whenCaughtUp();
    const versions = db.prepare('SELECT DISTINCT version FROM ledger').all();
    expect(versions).toEqual([{ version: 2 }]);
    expect(ledgerPositions(db)).toEqual(range(1, 15));
    expect((await v2.status())[0]).toMatchObject({ version: 2, storedVersion: 2, checkpoint: 15 });
  });

  it('marks a throwing projection failed, logs where without the data, and keeps the others running', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => done(void lines.push(String(chunk))) });
    const poisoned: ProjectionDefinition = {
      ...ledgerProjection('poisoned'),
      open(db) {
        const inner = ledgerProjection('poisoned').open(db);
        return {
          ...inner,
          apply(e) {
            if (e.type === 'Poison') throw new Error('cannot handle this event');
            inner.apply(e);
          },
        };
      },
    };
    const db = readModels();
    const r = runner([poisoned, ledgerProjection()], db, { logger: pino({ level: 'info' }, sink) });
    await writer.many('dossier', 5);
    await r.start();
    await r.whenCaughtUp();
    const poison = await writer.append('dossier-x', 'Poison', { secret: 'NGUYEN VAN A 001099012345' });
    await r.waitForPosition(await writer.many('consent', 4));

    const [bad, good] = await r.status();
    expect(bad).toMatchObject({ name: 'poisoned', state: 'failed', checkpoint: 5 });
    expect(bad!.lastError).toMatchObject({
      code: 'PROJECTION_FAILED',
      position: poison,
      eventType: 'Poison',
    });
    expect(good).toMatchObject({ name: 'ledger', state: 'live', checkpoint: 10, lastError: null });
    expect(ledgerPositions(db, 'poisoned')).toEqual(range(1, 5));
    expect(ledgerPositions(db)).toEqual(range(1, 10));
    const failure = lines.find((l) => l.includes('projection failed'));
    expect(failure).toContain(`"position":${poison}`);
    expect(lines.join('')).not.toContain('001099012345');
  });

  it('rejects an unknown projection name, listing the known ones', async () => {
    const r = runner([ledgerProjection()]);
    const error = await r.rebuild('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownProjectionError);
    expect((error as Error).message).toContain('ledger');
  });
});
