import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fold } from '../../hub/kernel/decider/index.js';
import { type DossierEvent, dossierDecider, dossierStream } from '../../hub/modules/dossiers/index.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { type AcceptanceSource, sqliteFixtureSource } from '../acceptance.js';
import { openTestHub } from '../kit/testing.js';
import { openConnector } from '../runtime.js';
import mapping from './mapping.json' with { type: 'json' };

describe('one-stop-sql on its SQLite fixture', () => {
  let source: AcceptanceSource;
  let tmp: ReturnType<typeof tempDir>;
  let hub: Awaited<ReturnType<typeof openTestHub>>;

  beforeAll(async () => {
    source = await sqliteFixtureSource('one-stop-sql')();
    tmp = tempDir();
    hub = await openTestHub(tmp.dir);
  });
  afterAll(async () => {
    await hub.close();
    tmp.remove();
    await source.cleanup();
  });

  it('maps the status codes onto the lifecycle: each dossier folds to the status its history ends in', async () => {
    const c = openConnector({
      name: 'one-stop-sql',
      hub,
      logger: silentLogger(),
      set: [`url=${source.url}`],
    });
    const run = await c.sync();
    expect(run.counts).toMatchObject({ read: source.rows, upserted: source.rows, rejected: 0 });
    const events = await hub.raw.readAll({ filter: { streamPrefixes: ['dossier-'] } });
    const byStream = new Map<string, typeof events>();
    for (const e of events) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e]);
    const db = new Database(source.url.slice('sqlite:'.length), { readonly: true });
    const dossiers = db.prepare('SELECT dossierno, dossierstatus FROM opencps_dossier').all() as {
      dossierno: string;
      dossierstatus: string;
    }[];
    db.close();
    expect(byStream.size).toBe(dossiers.length);
    const statuses = mapping.fields.status.values as Record<string, string>;
    for (const d of dossiers) {
      const stream = byStream.get(dossierStream(d.dossierno))!;
      expect(stream[0]!.type).toBe('DossierSubmitted');
      expect((stream[0]!.data as { procedure: { version: string } }).procedure.version).toBe('1');
      const state = fold(dossierDecider, stream as unknown as DossierEvent[]);
      expect(state.status, d.dossierno).toBe(statuses[d.dossierstatus]);
    }
    const dry = await c.sync({ dryRun: true });
    expect(dry.counts.upserted).toBe(0);
  });
});
