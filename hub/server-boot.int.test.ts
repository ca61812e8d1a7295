import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { productionSecrets } from './testing/secrets.js';
import { freePorts, spawnServer } from './testing/server.js';
import { tempDir } from './testing/temp.js';

const root = path.resolve(import.meta.dirname, '..');
const recorder = path.join(root, 'hub', 'testing', 'record-loads.mjs');

const children: ChildProcess[] = [];
const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) dir.remove();
});

/** Starts `hub/server.ts` in the production profile, recording every module it resolves. */
async function bootRecorded(env: Record<string, string>) {
  const dir = tempDir();
  dirs.push(dir);
  const loads = path.join(dir.dir, 'loads.txt');
  const [port, metricsPort] = await freePorts(2);
  const child = spawnServer(
    {
      NODE_OPTIONS: `--import ${pathToFileURL(recorder).href}`,
      LIENTHONG_LOADS_FILE: loads,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      LIENTHONG_METRICS_PORT: String(metricsPort),
      LIENTHONG_DATA_DIR: path.join(dir.dir, 'data'),
      ...productionSecrets(),
      ...env,
    },
    ['ignore', 'ignore', 'pipe'],
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const loaded = () => (fs.existsSync(loads) ? fs.readFileSync(loads, 'utf8').split('\n') : []);
  return { child, exited, loaded, base: `http://127.0.0.1:${port}`, stderr: () => stderr };
}

type Booted = Awaited<ReturnType<typeof bootRecorded>>;

/** Polls until `condition` holds; the server answering is the event waited on, not a duration. */
async function until(booted: Booted, condition: () => Promise<boolean> | boolean, what: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    if (booted.child.exitCode !== null) throw new Error(`server exited: ${booted.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} not seen in time: ${booted.stderr()}`);
}

const ready = (booted: Booted) => () =>
  fetch(`${booted.base}/health/ready`).then(
    (response) => response.status === 200,
    () => false,
  );

const under = (folder: string) => pathToFileURL(path.join(root, folder)).href + '/';
const demoCode = (url: string) => url.startsWith(under('demo'));
const connectorCode = (url: string) => url.startsWith(under('connectors'));
const sourceDrivers = (url: string) => /\/node_modules\/(pg|pg-copy-streams|mysql2)\//.test(url);

describe('the production server at boot', () => {
  it('loads no demo code, no connector and no source database driver while demo seeding is off', async () => {
    const booted = await bootRecorded({ LIENTHONG_SEED_DEMO: 'false' });
    await until(booted, ready(booted), 'readiness');
    const graphql = await fetch(`${booted.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).toBe(401);
    booted.child.kill('SIGTERM');
    expect(await booted.exited).toBe(0);

    const loaded = booted.loaded();
    // The recorder saw the hub itself boot, so an empty result below means something.
    expect(loaded).toContain(pathToFileURL(path.join(root, 'hub', 'app.ts')).href);
    expect(loaded.some((url) => url.includes('/node_modules/fastify/'))).toBe(true);
    expect(loaded.filter(demoCode)).toEqual([]);
    expect(loaded.filter(connectorCode)).toEqual([]);
    expect(loaded.filter(sourceDrivers)).toEqual([]);
  }, 60_000);

  it('loads the demo seed, the connector and its drivers only when demo seeding is on', async () => {
    const booted = await bootRecorded({ LIENTHONG_SEED_DEMO: 'true' });
    await until(
      booted,
      () => booted.loaded().some((url) => url.includes('/node_modules/mysql2/')),
      'the demo seed loading the connector drivers',
    );
    const loaded = booted.loaded();
    expect(loaded).toContain(pathToFileURL(path.join(root, 'demo', 'seed', 'hub.ts')).href);
    expect(loaded.some(connectorCode)).toBe(true);
    expect(loaded.some((url) => url.includes('/node_modules/pg/'))).toBe(true);
  }, 60_000);
});
