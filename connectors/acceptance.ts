import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecord, type RawRecordRow, recordRowOf } from '../hub/modules/records/index.js';
import { silentLogger, tempDir } from '../hub/testing/temp.js';
import { CONNECTORS_DIR, validateConfig } from './kit/manifest.js';
import { openTestHub, projectRecords } from './kit/testing.js';
import { type OpenedConnector, openConnector } from './runtime.js';

export interface AcceptanceSource {
  /** Connection URL of a source holding the connector's tables. */
  url: string;
  /** Rows in the first stream's table. */
  rows: number;
  /** Rows the mapping must reject, when known (a fixture's rows all map: 0). */
  rejects?: number;
  cleanup(): Promise<void>;
}

/** A SQLite copy of `connectors/<name>/fixtures/source.sql`. */
export function sqliteFixtureSource(name: string, root = CONNECTORS_DIR) {
  return async (): Promise<AcceptanceSource> => {
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'source.sqlite');
    const db = new Database(file);
    db.exec(fs.readFileSync(path.join(root, name, 'fixtures', 'source.sql'), 'utf8'));
    const stream = JSON.parse(fs.readFileSync(path.join(root, name, 'connector.json'), 'utf8')).streams[0];
    const from = stream.query ? `(${stream.query.trim().replace(/;$/, '')})` : `"${stream.table}"`;
    const { n } = db.prepare(`SELECT count(*) AS n FROM ${from}`).get() as { n: number };
    db.close();
    return { url: `sqlite:${file}`, rows: n, rejects: 0, cleanup: async () => tmp.remove() };
  };
}

/**
 * The acceptance suite every connector passes: spec, check with a valid and an invalid
 * configuration, discover, a basic read, an incremental read resumed from a saved state, and a
 * full refresh that appends nothing for an unchanged source.
 */
export function connectorAcceptance(options: {
  name: string;
  root?: string;
  source: () => Promise<AcceptanceSource>;
  label?: string;
}): void {
  describe(`connector acceptance: ${options.label ?? options.name}`, () => {
    let source: AcceptanceSource;
    let tmp: ReturnType<typeof tempDir>;
    let hub: Awaited<ReturnType<typeof openTestHub>>;
    const open = (set: string[] = []): OpenedConnector =>
      openConnector({
        name: options.name,
        root: options.root,
        hub,
        logger: silentLogger(),
        set: [`url=${source.url}`, ...set],
      });

    beforeAll(async () => {
      source = await options.source();
      tmp = tempDir();
      hub = await openTestHub(tmp.dir);
    });
    afterAll(async () => {
      await hub?.close();
      tmp?.remove();
      await source?.cleanup();
    });

    it('spec: the configuration schema accepts the configuration and names what is wrong', () => {
      const c = open();
      const spec = c.source.spec();
      expect(spec.supportedModes).toContain(c.loaded.manifest.streams[0]!.mode);
      expect(() => validateConfig(spec.configSchema, { ...c.config }, 'config')).not.toThrow();
      expect(() => validateConfig(spec.configSchema, { ...c.config, batchSize: 0 }, 'config')).toThrow(
        /batchSize/,
      );
    });

    it('check: succeeds with a valid configuration and fails, classified, with an invalid one', async () => {
      const ok = await open().check(5000);
      expect(ok.ok, JSON.stringify(ok.checks)).toBe(true);
      const bad = await open(['url=sqlite:/nonexistent/dir/none.sqlite']).check(5000);
      expect(bad.ok).toBe(false);
      expect(bad.error).toMatchObject({ failure: 'config' });
    });

    it('discover: lists every configured table with its key and cursor', async () => {
      const c = open();
      const catalog = await c.discover();
      for (const s of c.loaded.manifest.streams) {
        if (!s.table) continue; // a query stream reads no one table
        const found = catalog.streams.find((x) => x.name === s.table);
        expect(found, s.table).toBeDefined();
        expect(found!.primaryKeyCandidates).toContainEqual([s.primaryKey]);
        if (typeof s.cursorField === 'string') expect(found!.cursorCandidates).toContain(s.cursorField);
      }
    });

    it('reads: a limited first run, then an incremental run resumed from its state, appending each row once', async () => {
      const c = open(['batchSize=2']);
      const first = await c.sync({ limit: Math.max(1, Math.floor(source.rows / 2)) });
      expect(first.counts.read).toBe(Math.max(1, Math.floor(source.rows / 2)));
      expect(first.states[0]!.pk).not.toBeNull();
      const second = await c.sync();
      // Every row once, besides the rows the look-back reads again (at or before the checkpoint).
      expect(first.counts.read + second.counts.read - second.counts.reread).toBe(source.rows);
      // Those are as the first run left them: nothing appended, no second dead letter.
      expect(second.counts.reread).toBeLessThanOrEqual(
        second.counts.unchanged + second.counts.rejectedAgain + second.counts.quarantined,
      );
      if (source.rejects !== undefined)
        expect(first.counts.rejected + second.counts.rejected, 'rows the mapping rejected').toBe(
          source.rejects,
        );
      const upserts = await hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } });
      expect(upserts.length).toBe(first.counts.upserted + second.counts.upserted);
      expect(new Set(upserts.map((e) => e.stream)).size).toBe(upserts.length);
    });

    it('full refresh: after a reset every row is read again and nothing is appended', async () => {
      const c = open();
      await c.reset();
      const before = (await hub.raw.readAll({ filter: { streamPrefixes: ['record-'] } })).length;
      const again = await c.sync();
      expect(again.counts.read).toBe(source.rows);
      expect(again.counts.upserted).toBe(0);
      expect((await hub.raw.readAll({ filter: { streamPrefixes: ['record-'] } })).length).toBe(before);
    });
  });
}

/**
 * A connector synced once from a SQLite copy of its fixture into a fresh test hub: the run's
 * counts and every record of its dataset, opened (plaintext values), for tests of what a mapping
 * makes of the rows. `close()` removes everything.
 */
export async function syncedFixture(name: string, root = CONNECTORS_DIR) {
  const source = await sqliteFixtureSource(name, root)();
  const tmp = tempDir();
  const hub = await openTestHub(tmp.dir);
  const close = async () => {
    await hub.close();
    tmp.remove();
    await source.cleanup();
  };
  try {
    const connector = openConnector({ name, root, hub, logger: silentLogger(), set: [`url=${source.url}`] });
    const result = await connector.sync();
    const db = await projectRecords(hub.raw);
    const dataset = connector.loaded.manifest.streams[0]!.dataset;
    const def = hub.datasets.get(dataset)!;
    const rows = db
      .prepare('SELECT * FROM records WHERE dataset = ? AND deleted = 0 ORDER BY record_key')
      .all(dataset) as RawRecordRow[];
    const records = rows.map((row) => openRecord(def, recordRowOf(row), hub.sealing.keys).values);
    db.close();
    return { source, counts: result.counts, records, close };
  } catch (error) {
    await close();
    throw error;
  }
}
