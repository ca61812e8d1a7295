import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { withValidation } from '../../hub/events/validating-store.js';
import { createEventValidator } from '../../hub/events/validator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../hub/eventstore/sqlite.js';
import { ConnectorConfigError } from '../../hub/kernel/errors/index.js';
import type { EventStore } from '../../hub/kernel/event-store.js';
import { loadDatasets, recordsProjection, sealingFor } from '../../hub/modules/records/index.js';
import { silentLogger } from '../../hub/testing/temp.js';
import type { ConnectorHub } from './hub.js';
import { loadConnector } from './manifest.js';

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

/**
 * Loads a copy of population-sql named `name` under `dir` with these mapping fields over its
 * defaults, and returns the issues of the configuration error it raises (none when it loads).
 */
export function populationLoadIssues(dir: string, name: string, fields: Record<string, unknown>): unknown {
  const manifest = JSON.parse(
    fs.readFileSync(new URL('../population-sql/connector.json', import.meta.url), 'utf8'),
  );
  const at = path.join(dir, name);
  fs.mkdirSync(at);
  fs.writeFileSync(path.join(at, 'connector.json'), JSON.stringify({ ...manifest, name }));
  const mapping = {
    dataset: 'population',
    fields: {
      personalId: { from: 'so_dinh_danh' },
      fullName: { from: 'ho_ten' },
      dateOfBirth: { from: 'ngay_sinh', cast: 'date' },
      gender: { from: 'gioi_tinh', values: { '1': 'male', '2': 'female' } },
      ...fields,
    },
  };
  fs.writeFileSync(path.join(at, 'mapping.json'), JSON.stringify(mapping));
  try {
    loadConnector(name, loadDatasets(), dir);
    return [];
  } catch (e) {
    if (!(e instanceof ConnectorConfigError)) throw e;
    return e.issues;
  }
}
