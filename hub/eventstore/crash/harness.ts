import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { bytesToUuid } from '../sqlite-reader.js';
import { workloadEvent } from './workload.js';

const WRITER = fileURLToPath(new URL('./writer.ts', import.meta.url));

export interface CrashTestOptions {
  file: string;
  kills: number;
  /** Writer processes running at once (each killed and restarted in turn). */
  writers?: number;
  producers?: number;
  /** A writer is killed after a random delay in this range once it is ready. */
  minDelayMs?: number;
  maxDelayMs?: number;
  onKill?: (done: number, total: number) => void;
}

export interface CrashReport {
  kills: number;
  acknowledgedAppends: number;
  storedEvents: number;
  /** Spawn-to-ready times of restarted writers (process start + store open + recovery). */
  restartMs: { max: number; median: number };
  /** Store open + recovery times measured inside the writers. */
  openMs: { max: number; median: number };
  problems: string[];
}

interface Ack {
  stream: string;
  last: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function startWriter(file: string, writer: number, producers: number, acks: Ack[], problems: string[]) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WRITER, file, String(writer), String(producers)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const ready = new Promise<{ spawnMs: number; openMs: number }>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const [kind, a, b] = buffer.slice(0, nl).split(' ');
        buffer = buffer.slice(nl + 1);
        if (kind === 'ready') resolve({ spawnMs: performance.now() - started, openMs: Number(a) });
        else if (kind === 'ack') acks.push({ stream: a!, last: Number(b) });
        nl = buffer.indexOf('\n');
      }
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') return;
      const error = `writer ${writer} exited by itself (${code ?? signal}): ${stderr.trim().slice(0, 500)}`;
      problems.push(error);
      reject(new Error(error));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, ready, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs writers, SIGKILLs them at random moments, then proves the store lost and duplicated nothing. */
export async function runCrashTest(options: CrashTestOptions): Promise<CrashReport> {
  const writers = options.writers ?? 2;
  const producers = options.producers ?? 4;
  const minDelay = options.minDelayMs ?? 20;
  const maxDelay = options.maxDelayMs ?? 120;
  const acks: Ack[] = [];
  const restartMs: number[] = [];
  const openMs: number[] = [];
  const writerProblems: string[] = [];
  const start = (w: number) => startWriter(options.file, w, producers, acks, writerProblems);
  const running: (ReturnType<typeof startWriter> & { child: ChildProcess })[] = [];
  for (let w = 0; w < writers; w++) running.push(start(w));
  for (let k = 0; k < options.kills; k++) {
    const w = k % writers;
    const current = running[w]!;
    const { spawnMs, openMs: open } = await current.ready;
    if (k >= writers) {
      restartMs.push(spawnMs);
      openMs.push(open);
    }
    await sleep(minDelay + Math.random() * (maxDelay - minDelay));
    current.child.kill('SIGKILL');
    await current.exited;
    options.onKill?.(k + 1, options.kills);
    running[w] = start(w);
  }
  for (const r of running) {
    await r.ready.catch(() => undefined);
    r.child.kill('SIGKILL');
    await r.exited;
  }
  const check = checkStore(options.file, acks);
  return {
    kills: options.kills,
    acknowledgedAppends: acks.length,
    storedEvents: check.events,
    restartMs: { max: Math.max(0, ...restartMs), median: median(restartMs) },
    openMs: { max: Math.max(0, ...openMs), median: median(openMs) },
    problems: [...writerProblems, ...check.problems],
  };
}

/** Verifies the file directly with SQL, independent of the store's own code paths. */
export function checkStore(file: string, acks: Ack[]): { events: number; problems: string[] } {
  const problems: string[] = [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const rows = db
      .prepare(
        'SELECT e.position, s.name, e.revision, e.event_id, e.data FROM events e JOIN streams s USING (stream_id) ORDER BY e.position',
      )
      .all() as { position: number; name: string; revision: number; event_id: Buffer; data: string }[];
    const lastByStream = new Map<string, number>();
    const ids = new Set<string>();
    let previous = 0;
    for (const row of rows) {
      if (row.position <= previous) problems.push(`position ${row.position} does not increase`);
      if (row.position !== previous + 1) problems.push(`gap before position ${row.position}`);
      previous = row.position;
      const expectedRevision = (lastByStream.get(row.name) ?? -1) + 1;
      if (row.revision !== expectedRevision)
        problems.push(`${row.name}: revision ${row.revision}, expected ${expectedRevision}`);
      lastByStream.set(row.name, row.revision);
      const id = bytesToUuid(row.event_id);
      if (ids.has(id)) problems.push(`event ${id} stored twice`);
      ids.add(id);
      const expected = workloadEvent(row.name, row.revision);
      if (id !== expected.id || row.data !== JSON.stringify(expected.data)) {
        problems.push(`${row.name}@${row.revision}: content differs from what was appended`);
      }
    }
    const declared = db.prepare('SELECT name, last_revision FROM streams').all() as {
      name: string;
      last_revision: number;
    }[];
    for (const s of declared) {
      if ((lastByStream.get(s.name) ?? -1) !== s.last_revision)
        problems.push(`${s.name}: stream head disagrees with events`);
    }
    for (const ack of acks) {
      if ((lastByStream.get(ack.stream) ?? -1) < ack.last)
        problems.push(`acknowledged ${ack.stream}@${ack.last} is missing`);
    }
    return { events: rows.length, problems: problems.slice(0, 50) };
  } finally {
    db.close();
  }
}
