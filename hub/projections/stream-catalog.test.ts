import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../eventstore/sqlite.js';
import { silentLogger, tempDir } from '../testing/temp.js';
import { openReadModelDb } from './db.js';
import { ProjectionRunner } from './runner.js';
import { getCatalogStream, streamCatalog, summarizeStreamCatalog } from './stream-catalog.js';
import { TestWriter } from './test-events.js';

describe('stream-catalog projection', () => {
  it('counts events per stream and category, incrementally and across batches', async () => {
    const temp = tempDir();
    const store = await openSqliteEventStore({
      file: path.join(temp.dir, 'events.db'),
      logger: silentLogger(),
    });
    const db = openReadModelDb(path.join(temp.dir, 'readmodels.db'));
    const runner = new ProjectionRunner({
      store,
      db,
      projections: [streamCatalog],
      logger: silentLogger(),
      pageSize: 4,
    });
    try {
      const writer = new TestWriter(store);
      await writer.many('dossier', 9, 3);
      await writer.append('consent-c1', 'ConsentGranted');
      await runner.start();
      await runner.whenCaughtUp();
      const last = await writer.append('dossier-1', 'DossierApproved');

      await runner.waitForPosition(last);
      expect(getCatalogStream(db, 'dossier-1')).toMatchObject({
        category: 'dossier',
        eventCount: 4,
        lastRevision: 3,
        lastPosition: last,
      });
      expect(getCatalogStream(db, 'consent-c1')).toMatchObject({
        eventCount: 1,
        lastRevision: 0,
        lastPosition: 10,
      });
      expect(summarizeStreamCatalog(db)).toEqual({
        streams: 4,
        categories: [
          { category: 'consent', streams: 1, events: 1 },
          { category: 'dossier', streams: 3, events: 10 },
        ],
      });

      await runner.rebuild('stream-catalog');
      expect(getCatalogStream(db, 'dossier-1')).toMatchObject({ eventCount: 4, lastRevision: 3 });
      expect(summarizeStreamCatalog(db).streams).toBe(4);
    } finally {
      await runner.stop();
      db.close();
      await store.close();
      temp.remove();
    }
  });
});
