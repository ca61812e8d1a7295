/**
 * Connector benchmark: generates population rows in PostgreSQL and MariaDB, syncs each into a fresh
 * embedded hub (events + records read model), then re-syncs the unchanged source: incrementally
 * (the normal case) and after a reset (every row read, mapped and compared). Prints one JSON line.
 * Usage: npm run bench:connector -- [--rows 1000000] [--batch 2000] [--only postgres|mariadb]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { projectRecords } from '../connectors/kit/testing.js';
import { openConnector } from '../connectors/runtime.js';
import { createTempDatabase, serverAvailable } from '../connectors/sql/testing/servers.js';
import { createSourceDatabase } from '../demo/sources/index.js';
import { withValidation } from '../hub/events/validating-store.js';
import { createEventValidator } from '../hub/events/validator.js';
import { openSqliteEventStore } from '../hub/eventstore/sqlite.js';
import { loadDatasets, sealingFor } from '../hub/modules/records/index.js';
import { silentLogger, tempDir } from '../hub/testing/temp.js';

const opts = new Command('bench-connector')
  .option('--rows <n>', 'population rows per server', '1000000')
  .option('--batch <n>', 'rows per batch', '2000')
  .option('--only <server>', 'postgres or mariadb (default: both)')
  .parse()
  .opts<{ rows: string; batch: string; only?: string }>();
const rows = Number(opts.rows);
const secs = (ms: number) => Math.round(ms / 10) / 100;
const cpuSecs = (u: NodeJS.CpuUsage) => secs((u.user + u.system) / 1000);
const result: Record<string, number | string> = { rows };

for (const kind of ['postgres', 'mariadb'] as const) {
  if (opts.only && opts.only !== kind) continue;
  if (!(await serverAvailable(kind))) {
    console.log(`${kind}: not reachable, skipped`);
    continue;
  }
  const db = await createTempDatabase(kind);
  const tmp = tempDir();
  try {
    let t = Date.now();
    await createSourceDatabase({ kind, url: db.url.replace(/^mariadb:/, 'mysql:') }, 'population', {
      rows,
      seed: 1,
    });
    console.log(`${kind}: generated ${rows.toLocaleString('en')} rows in ${secs(Date.now() - t)} s`);
    const raw = await openSqliteEventStore({ file: path.join(tmp.dir, 'events.db'), logger: silentLogger() });
    const sealing = sealingFor(
      { pseudonymSecret: randomBytes(32), masterKey: randomBytes(32) },
      path.join(tmp.dir, 'keys.db'),
    );
    const hub = {
      store: withValidation(raw, createEventValidator()),
      sealing,
      datasets: loadDatasets(),
      dataDir: tmp.dir,
      close: async () => undefined,
    };
    const c = openConnector({
      name: 'population-sql',
      hub,
      logger: silentLogger(),
      // The generated source has about 0.3 % invalid rows (dead-lettered): allow 1 % at any size.
      set: [
        `url=${db.url}`,
        `batchSize=${opts.batch}`,
        `maxRejectedRows=${Math.max(1000, Math.ceil(rows / 100))}`,
      ],
    });
    t = Date.now();
    let cpu = process.cpuUsage();
    const first = await c.sync();
    const syncMs = Date.now() - t;
    const syncCpu = cpuSecs(process.cpuUsage(cpu));
    t = Date.now();
    cpu = process.cpuUsage();
    const readModel = await projectRecords(raw);
    const projectMs = Date.now() - t;
    const projectCpu = cpuSecs(process.cpuUsage(cpu));
    readModel.close();
    const total = syncMs + projectMs;
    console.log(
      `${kind}: sync ${secs(syncMs)} s (${Math.round(first.counts.read / (syncMs / 1000)).toLocaleString('en')} rows/s; ` +
        `${first.counts.upserted} upserted, ${first.counts.rejected} rejected, ${first.counts.deleted} deleted) ` +
        `+ read model ${secs(projectMs)} s = ${secs(total)} s; CPU time of the process (all threads): ` +
        `sync ${syncCpu} s, read model ${projectCpu} s; load average ${os.loadavg()[0]!.toFixed(2)}`,
    );
    result[`${kind}_1m_s`] = secs(total);
    result[`${kind}_sync_s`] = secs(syncMs);
    result[`${kind}_rows_per_s`] = Math.round(first.counts.read / (total / 1000));
    result[`${kind}_sync_cpu_s`] = syncCpu;
    result.load_average = os.loadavg()[0]!.toFixed(2);
    t = Date.now();
    const again = await c.sync();
    const resyncMs = Date.now() - t;
    await c.reset();
    t = Date.now();
    const reread = await c.sync();
    const rereadMs = Date.now() - t;
    console.log(
      `${kind}: unchanged re-sync ${secs(resyncMs)} s (incremental, ${again.counts.read} rows read, ${again.counts.reread} of them by the look-back, ${again.counts.upserted} appended); ` +
        `after reset ${secs(rereadMs)} s (${reread.counts.read} rows read and compared, ${reread.counts.upserted} appended)`,
    );
    if (kind === 'postgres' || result.resync_unchanged_s === undefined) {
      result.resync_unchanged_s = secs(resyncMs);
      result.reread_unchanged_after_reset_s = secs(rereadMs);
    }
    await raw.close();
    sealing.keys.close();
  } finally {
    tmp.remove();
    await db.drop();
  }
}
console.log(JSON.stringify(result));
