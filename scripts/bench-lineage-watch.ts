/**
 * The catch-up watcher of `npm run bench:lineage`, a worker thread: every two seconds it reads the
 * projections' checkpoints from the read-model file (its own read-only connection) and writes
 * progress straight to standard error, since the catch-up keeps the main thread's event loop busy
 * (the runner's pages follow each other as microtasks: no timer of the main thread fires until it
 * is done). Asked to stop, it answers when each projection reached the store's head.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface WatchData {
  file: string;
  /** The store's last position: a projection at it is caught up. */
  head: number;
  projections: number;
}

/** Seconds from the watcher's start at which each projection's checkpoint reached the head. */
export type Reached = Record<string, number>;

const { file, head, projections } = workerData as WatchData;
const started = performance.now();
const reached: Reached = {};
const fmt = (n: number) => Math.round(n).toLocaleString('en');

function checkpoints(): { name: string; position: number }[] {
  if (!fs.existsSync(file)) return [];
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT name, position FROM projection_checkpoints').all() as {
        name: string;
        position: number;
      }[];
    } finally {
      db.close();
    }
  } catch {
    return []; // the runner is creating its tables: next time
  }
}

const timer = setInterval(() => {
  const rows = checkpoints();
  const s = (performance.now() - started) / 1000;
  for (const row of rows) if (row.position >= head && reached[row.name] === undefined) reached[row.name] = s;
  const least = rows.length < projections ? 0 : Math.min(...rows.map((r) => r.position));
  const behind = rows.filter((r) => r.position < head).map((r) => `${r.name} ${fmt(r.position)}`);
  fs.writeSync(
    2,
    `  catch-up: ${s.toFixed(0)} s, ${rows.length - behind.length} of ${projections} projections at the head (${fmt(head)})` +
      `${least > 0 ? `, the slowest at ${fmt(least)}` : ''}${behind.length > 0 && behind.length <= 5 ? `: ${behind.join(', ')}` : ''}\n`,
  );
}, 2000);

parentPort!.once('message', () => {
  clearInterval(timer);
  const s = (performance.now() - started) / 1000;
  for (const row of checkpoints())
    if (row.position >= head && reached[row.name] === undefined) reached[row.name] = s;
  parentPort!.postMessage(reached);
});
