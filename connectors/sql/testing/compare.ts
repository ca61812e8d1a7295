import { createHash } from 'node:crypto';
import { createSourceDatabase } from '../../../demo/sources/index.js';
import {
  loadDatasets,
  openRecord,
  type RecordRow,
  recordsOfSubject,
} from '../../../hub/modules/records/index.js';
import type { StreamState } from '../../kit/events.js';
import { compileMapping } from '../../kit/mapping.js';
import { type openTestHub, projectRecords } from '../../kit/testing.js';
import { openDriver } from '../source.js';
import { createTempDatabase } from './servers.js';

/** A fresh database on a test server holding the demo generator's `cong_dan` table. */
export async function populationSource(kind: 'postgres' | 'mariadb', rows: number) {
  const db = await createTempDatabase(kind);
  const target = { kind, url: db.url.replace(/^mariadb:/, 'mysql:') } as const;
  const result = await createSourceDatabase(target, 'population', { rows, seed: 7 });
  return { ...db, rows: result.rowsByTable.cong_dan ?? result.rows, cleanup: db.drop };
}

/** Placeholders of a dialect, and the cursor-then-key order of `cong_dan`'s incremental read. */
const position = (dialect: string) => {
  const p = (i: number) => (dialect === 'postgres' ? `$${i}` : '?');
  return { p, after: `(ngay_cap_nhat, id) > (${p(1)}, ${p(2)})`, order: 'ORDER BY ngay_cap_nhat, id' };
};

/**
 * Marks soft-deleted every row of `cong_dan` after the first `live` ones (in an incremental read's
 * order), keeping their cursor: a read still receives them, but a sync passes them over without
 * writing anything, so a test can make a long result cheap to sync.
 */
export async function softDeleteAfter(url: string, live: number): Promise<void> {
  const driver = await openDriver(url);
  try {
    const { p, order } = position(driver.dialect);
    const [bound] = await driver.query(
      `SELECT ngay_cap_nhat, id FROM cong_dan ${order} LIMIT 1 OFFSET ${live}`,
    );
    if (bound)
      await driver.query(
        `UPDATE cong_dan SET da_xoa = TRUE, ngay_cap_nhat = ngay_cap_nhat WHERE (ngay_cap_nhat, id) >= (${p(1)}, ${p(2)})`,
        [bound.ngay_cap_nhat, bound.id],
      );
  } finally {
    await driver.close();
  }
}

/**
 * Leaves `keep` rows of `cong_dan` after `state` (in an incremental read's order), live: deletes
 * those after them and undoes soft deletes among them (a row's cursor may move, never back past
 * `state`). A resumed run then has exactly `keep` rows to sync past its checkpoint; rows at or
 * before it stay as they are.
 */
export async function keepAfterCheckpoint(url: string, state: StreamState, keep: number): Promise<void> {
  const driver = await openDriver(url);
  try {
    const { p, after, order } = position(driver.dialect);
    const [bound] = await driver.query(
      `SELECT ngay_cap_nhat, id FROM cong_dan WHERE ${after} ${order} LIMIT 1 OFFSET ${keep}`,
      [state.cursor, state.pk],
    );
    if (bound)
      await driver.query(`DELETE FROM cong_dan WHERE (ngay_cap_nhat, id) >= (${p(1)}, ${p(2)})`, [
        bound.ngay_cap_nhat,
        bound.id,
      ]);
    await driver.query(`UPDATE cong_dan SET da_xoa = FALSE, ngay_xoa = NULL WHERE ${after} AND da_xoa`, [
      state.cursor,
      state.pk,
    ]);
  } finally {
    await driver.close();
  }
}

const checksum = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** Checksums of the source rows the hub should hold: live, valid, mapped. */
export async function sourceChecksums(url: string, hashKey: Buffer): Promise<Set<string>> {
  const def = loadDatasets().get('population')!;
  const { default: mapping } = await import('../../population-sql/mapping.json', { with: { type: 'json' } });
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

/** Checksums of the live population records the hub holds (the records read model, opened). */
export async function hubChecksums(hub: Awaited<ReturnType<typeof openTestHub>>): Promise<Set<string>> {
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
