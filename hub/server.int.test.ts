import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore } from './eventstore/index.js';
import { productionSecrets } from './testing/secrets.js';
import { freePorts, spawnServer } from './testing/server.js';
import { silentLogger, tempDir } from './testing/temp.js';

type LogLine = Record<string, unknown>;

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Every JSON log line written so far, parsed once as it arrives. */
  logLines: () => LogLine[];
  /** The first log line that matches, as soon as it is written; rejects if the server exits first. */
  waitForLog: (match: (line: LogLine) => boolean) => Promise<LogLine>;
  /** Exit code, once the process has exited and its output has been read to the end. */
  exited: Promise<number | null>;
  base: string;
  metricsBase: string;
}

const children: ChildProcess[] = [];
const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) dir.remove();
});

function dataDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir.dir;
}

/** A hub keeps its secrets: every start on one data directory gets the same ones, as in production. */
const secretsByDir = new Map<string, ReturnType<typeof productionSecrets>>();
function secretsFor(env: Record<string, string>): ReturnType<typeof productionSecrets> {
  const dir = env.LIENTHONG_DATA_DIR;
  if (!dir) return productionSecrets();
  const secrets = secretsByDir.get(dir) ?? productionSecrets();
  secretsByDir.set(dir, secrets);
  return secrets;
}

/** Starts `hub/server.ts` in the production profile, on free ports unless `env` names them. */
async function startServer(env: Record<string, string>): Promise<Running> {
  const [port, metricsPort] = await freePorts(2);
  const ports = { PORT: String(port), LIENTHONG_METRICS_PORT: String(metricsPort), ...env };
  const child = spawnServer({ NODE_ENV: 'production', LOG_LEVEL: 'info', ...secretsFor(env), ...ports }, [
    'ignore',
    'pipe',
    'pipe',
  ]);
  children.push(child);
  let out = '';
  let err = '';
  let partial = '';
  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const complete = (partial + chunk).split('\n');
    partial = complete.pop()!;
    for (const text of complete) {
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      for (const waiter of waiters) {
        if (waiter.match(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  // 'close', not 'exit': by then every line the server wrote has been read.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitForLog = (match: (line: LogLine) => boolean) => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      waiters.add({ match, resolve });
      void exited.then(() =>
        reject(new Error(`server exited before the expected log line: ${out.slice(-2000)} ${err}`)),
      );
    });
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logLines: () => lines,
    waitForLog,
    exited,
    base: `http://127.0.0.1:${ports.PORT}`,
    metricsBase: `http://127.0.0.1:${ports.LIENTHONG_METRICS_PORT}`,
  };
}

/** Events of the demo seed's datasets (not its markers, not what the demo connectors' syncs write: records, dossiers). */
const seededStream = (stream: string) => !/^(seed|connector|deadletter|record|dossier)-/.test(stream);

/** Events in the embedded store of a data directory (the server must have exited). */
async function storedEvents(dir: string, keep: (stream: string) => boolean = seededStream): Promise<number> {
  const store = await openEventStore(
    { backend: 'sqlite', file: path.join(dir, 'events.db') },
    { logger: silentLogger() },
  );
  try {
    return (await store.readAll()).filter((event) => keep(event.stream)).length;
  } finally {
    await store.close();
  }
}

// Each test starts the server as a process of its own: seconds when idle, far longer on a loaded
// machine. Every step waits on an event (a log line, the exit); the time limits only catch a hang.
describe('hub server', { timeout: 120_000 }, () => {
  it('refuses to start on a wrong setting, naming the variable, with exit code 1', async () => {
    const running = await startServer({ PORT: 'abc', LIENTHONG_DATA_DIR: dataDir() });
    expect(await running.exited).toBe(1);
    expect(running.stderr().trim()).toBe(
      'lienthong: cannot start: PORT: must be an integer between 1 and 65535 (got "abc")',
    );
  });

  it('refuses to start in production without the hub secrets', async () => {
    const running = await startServer({ LIENTHONG_DATA_DIR: dataDir(), LIENTHONG_PSEUDONYM_SECRET: '' });
    expect(await running.exited).toBe(1);
    expect(running.stderr().trim()).toBe('lienthong: cannot start: LIENTHONG_PSEUDONYM_SECRET: is required');
  });

  it('refuses to start on a data directory written under another pseudonym secret, naming the variable', async () => {
    const dir = dataDir();
    const first = await startServer({ LIENTHONG_DATA_DIR: dir, LIENTHONG_SEED_DEMO: 'false' });
    await first.waitForLog((line) => line.msg === 'hub listening');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const other = productionSecrets().LIENTHONG_PSEUDONYM_SECRET;
    const running = await startServer({ LIENTHONG_DATA_DIR: dir, LIENTHONG_PSEUDONYM_SECRET: other });
    expect(await running.exited).toBe(1);
    expect(running.stderr().trim()).toBe(
      `lienthong: cannot start: LIENTHONG_PSEUDONYM_SECRET: is not the pseudonym secret the data in ${fs.realpathSync(dir)} was written with; start with that secret (records would otherwise be re-keyed)`,
    );
  });

  it.each([
    ['PORT', 'PORT'],
    ['the metrics port', 'LIENTHONG_METRICS_PORT'],
  ])('refuses to start on %s already in use, naming it', async (_what, variable) => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const running = await startServer({ LIENTHONG_DATA_DIR: dataDir(), [variable]: String(port) });
      expect(await running.exited).toBe(1);
      expect(running.stderr().trim()).toBe(
        `lienthong: cannot start: ${variable}: ${port} is already in use on 127.0.0.1`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('refuses to start on a file that is not an event store, leaving it untouched', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'events.db');
    fs.writeFileSync(file, 'name,id\nAn,1\n');
    const running = await startServer({ LIENTHONG_DATA_DIR: dir });
    expect(await running.exited).toBe(1);
    const lines = running.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lienthong: cannot start: .*events\.db: not a SQLite database/);
    expect(fs.readFileSync(file, 'utf8')).toBe('name,id\nAn,1\n');
  });

  // Three starts, two of them seeding everything.
  it('on SIGTERM during seeding keeps every acknowledged append; later starts complete the seed once', {
    timeout: 600_000,
  }, async () => {
    const dir = dataDir();
    const env = { LIENTHONG_DATA_DIR: dir, LIENTHONG_SEED_DEMO: 'true', LOG_LEVEL: 'debug' };
    const demoDataReady = (line: LogLine) => line.msg === 'demo data ready';

    const first = await startServer(env);
    // The first batch of the first dataset: the rest of the seed and the whole sync are still to come.
    await first.waitForLog((line) => line.msg === 'seed progress' && Number(line.done) > 0);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const acknowledged = Math.max(
      ...first
        .logLines()
        .filter((l) => l.msg === 'seed progress')
        .map((l) => Number(l.done)),
    );
    expect(first.logLines().map((l) => l.msg)).toContain(
      'seeding stopped by shutdown; the next start completes it',
    );
    const afterFirst = await storedEvents(dir);
    expect(afterFirst).toBeGreaterThanOrEqual(acknowledged);

    const second = await startServer(env);
    const seeded = await second.waitForLog(demoDataReady);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const complete = await storedEvents(dir);
    expect(Number(seeded.appended) + Number(seeded.alreadyPresent)).toBe(complete);
    const population = seeded.population as { upserted: number; deleted: number };
    const records = await storedEvents(dir, (stream) => stream.startsWith('record-population-'));
    expect(population.upserted).toBeGreaterThan(1000);
    expect(records).toBe(population.upserted + population.deleted);

    const third = await startServer(env);
    expect(await third.waitForLog(demoDataReady)).toMatchObject({
      appended: 0,
      population: { upserted: 0, deleted: 0 },
    });
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(await storedEvents(dir)).toBe(complete);
    expect(await storedEvents(dir, (stream) => stream.startsWith('record-population-'))).toBe(records);
  });

  it('serves until SIGTERM, metrics on their own port only, then shuts down cleanly with exit code 0', async () => {
    const running = await startServer({ LIENTHONG_DATA_DIR: dataDir(), LIENTHONG_SEED_DEMO: 'false' });
    const listening = await running.waitForLog((line) => line.msg === 'hub listening');
    expect(listening.metrics).toBe(`${running.metricsBase}/metrics`);
    expect((await fetch(`${running.base}/health/live`)).status).toBe(200);
    const onApiPort = await fetch(`${running.base}/metrics`);
    expect(onApiPort.status).toBe(404);
    expect(await onApiPort.json()).toMatchObject({ code: 'HTTP_ROUTE_NOT_FOUND' });
    const scraped = await fetch(`${running.metricsBase}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain(
      'lienthong_http_request_duration_seconds_count{route="/health/live"',
    );

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.logLines().map((line) => line.msg)).toContain('shutdown complete');
    expect(running.stderr()).toBe('');
    await expect(fetch(`${running.metricsBase}/metrics`)).rejects.toThrow();
  });
});
