import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { withValidation } from '../../hub/events/validating-store.js';
import { createEventValidator } from '../../hub/events/validator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../hub/eventstore/sqlite.js';
import type { EventStore } from '../../hub/kernel/event-store.js';
import { loadDatasets, recordsProjection, sealingFor } from '../../hub/modules/records/index.js';
import { silentLogger } from '../../hub/testing/temp.js';
import type { ConnectorHub } from './hub.js';

/** A hub in `dir` (fresh random secrets unless given): validating SQLite store, key store, datasets. */
export async function openTestHub(
  dir: string,
  secrets = { pseudonymSecret: randomBytes(32), masterKey: randomBytes(32) },
): Promise<ConnectorHub & { raw: SqliteEventStore }> {
  const raw = await openSqliteEventStore({ file: path.join(dir, 'events.db'), logger: silentLogger() });
  const sealing = sealingFor(secrets, path.join(dir, 'keys.db'));
  return {
    raw,
    store: withValidation(raw, createEventValidator()),
    sealing,
    datasets: loadDatasets(),
    dataDir: dir,
    async close() {
      await raw.close();
      sealing.keys.close();
    },
  };
}

/** The `records` read model built from every record event in the store (in memory). */
export async function projectRecords(store: EventStore): Promise<Database.Database> {
  const db = new Database(':memory:');
  const handler = recordsProjection.open(db);
  let from = 0;
  for (;;) {
    const page = await store.readAll({
      fromPosition: from,
      maxCount: 5000,
      filter: recordsProjection.filter,
    });
    if (page.length === 0) break;
    db.transaction(() => {
      for (const e of page) handler.apply(e);
    })();
    from = page[page.length - 1]!.position;
  }
  return db;
}
