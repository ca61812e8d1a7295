import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore } from './eventstore/index.js';
import { silentLogger, tempDir } from './testing/temp.js';

const root = path.resolve(import.meta.dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  base: string;
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

function startServer(env: Record<string, string>): Running {
  const child = spawn(tsx, ['hub/server.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      LIENTHONG_PSEUDONYM_SECRET: randomBytes(32).toString('base64'),
      LIENTHONG_MASTER_KEY: randomBytes(32).toString('base64'),
      LIENTHONG_SIGNING_KEY: JSON.stringify(
        generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }),
      ),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited, base: `http://127.0.0.1:${env.PORT}` };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function logLines(running: Running): Record<string, unknown>[] {
  return running
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

async function waitForLog(
  running: Running,
  match: (line: Record<string, unknown>) => boolean,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (logLines(running).some(match)) return;
    if (running.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`expected log line not seen: ${running.stdout().slice(-2000)} ${running.stderr()}`);
}

/** Events in the embedded store of a data directory, seed markers aside (the server must have exited). */
/** Events of the demo seed's datasets (not its markers, not what the demo connector sync writes). */
const seededStream = (stream: string) => !/^(seed|connector|deadletter|record)-/.test(stream);

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

async function waitForReady(running: Running): Promise<void> {
  const base = running.base;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`server exited: ${running.stderr()}`);
    const status = await fetch(`${base}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server not ready in time: ${running.stdout()} ${running.stderr()}`);
}

describe('hub server', () => {
  it('refuses to start on a wrong setting, naming the variable, with exit code 1', async () => {
    const running = startServer({ PORT: 'abc', LIENTHONG_DATA_DIR: dataDir() });
    expect(await running.exited).toBe(1);
    expect(running.stderr().trim()).toBe(
      'lienthong: cannot start: PORT: must be an integer between 1 and 65535 (got "abc")',
    );
  });

  it('refuses to start in production without the hub secrets', async () => {
    const running = startServer({ LIENTHONG_DATA_DIR: dataDir(), LIENTHONG_PSEUDONYM_SECRET: '' });
    expect(await running.exited).toBe(1);
    expect(running.stderr().trim()).toBe('lienthong: cannot start: LIENTHONG_PSEUDONYM_SECRET: is required');
  });

  it('refuses to start on a port already in use, naming it', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const running = startServer({ LIENTHONG_DATA_DIR: dataDir(), PORT: String(port) });
      expect(await running.exited).toBe(1);
      expect(running.stderr().trim()).toBe(
        `lienthong: cannot start: PORT: ${port} is already in use on 127.0.0.1`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('refuses to start on a file that is not an event store, leaving it untouched', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'events.db');
    fs.writeFileSync(file, 'name,id\nAn,1\n');
    const running = startServer({ LIENTHONG_DATA_DIR: dir, PORT: String(await freePort()) });
    expect(await running.exited).toBe(1);
    const lines = running.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lienthong: cannot start: .*events\.db: not a SQLite database/);
    expect(fs.readFileSync(file, 'utf8')).toBe('name,id\nAn,1\n');
  });

  it('on SIGTERM during seeding keeps every acknowledged append; later starts complete the seed once', async () => {
    const dir = dataDir();
    const env = { LIENTHONG_DATA_DIR: dir, LIENTHONG_SEED_DEMO: 'true', LOG_LEVEL: 'debug' };

    const first = startServer({ ...env, PORT: String(await freePort()) });
    await waitForLog(first, (line) => line.msg === 'seed progress' && Number(line.done) > 0);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const acknowledged = Math.max(
      ...logLines(first)
        .filter((l) => l.msg === 'seed progress')
        .map((l) => Number(l.done)),
    );
    expect(logLines(first).map((l) => l.msg)).toContain(
      'seeding stopped by shutdown; the next start completes it',
    );
    const afterFirst = await storedEvents(dir);
    expect(afterFirst).toBeGreaterThanOrEqual(acknowledged);

    const second = startServer({ ...env, PORT: String(await freePort()) });
    await waitForReady(second);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const seeded = logLines(second).find((l) => l.msg === 'demo data ready')!;
    const complete = await storedEvents(dir);
    expect(Number(seeded.appended) + Number(seeded.alreadyPresent)).toBe(complete);
    const population = seeded.population as { upserted: number; deleted: number };
    const records = await storedEvents(dir, (stream) => stream.startsWith('record-population-'));
    expect(population.upserted).toBeGreaterThan(1000);
    expect(records).toBe(population.upserted + population.deleted);

    const third = startServer({ ...env, PORT: String(await freePort()) });
    await waitForReady(third);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(logLines(third).find((l) => l.msg === 'demo data ready')).toMatchObject({
      appended: 0,
      population: { upserted: 0, deleted: 0 },
    });
    expect(await storedEvents(dir)).toBe(complete);
    expect(await storedEvents(dir, (stream) => stream.startsWith('record-population-'))).toBe(records);
  });

  it('serves until SIGTERM, then shuts down cleanly with exit code 0', async () => {
    const port = await freePort();
    const running = startServer({
      PORT: String(port),
      LIENTHONG_DATA_DIR: dataDir(),
      LIENTHONG_SEED_DEMO: 'false',
    });
    await waitForReady(running);
    expect((await fetch(`${running.base}/metrics`)).status).toBe(200);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(logLines(running).map((line) => line.msg)).toEqual(
      expect.arrayContaining(['hub listening', 'shutdown complete']),
    );
    expect(running.stderr()).toBe('');
  });
});
