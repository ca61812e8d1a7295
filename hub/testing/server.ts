import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Ports nobody listens on right now (all held open together, so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `hub/server.ts` in a child process as `npm start` runs it: Node itself runs the server (tsx as a
 * loader), so the signals a test sends reach the server's own handlers (the tsx command relays
 * signals but SIGKILLs a child that is slow to take them). The environment is `PATH` and `env`.
 * `launcher` runs it through another command that execs it in place (`ip netns exec <ns>`: on
 * another test host), so the child is still the server's own process.
 */
export function spawnServer(
  env: Record<string, string | undefined>,
  stdio: StdioOptions,
  nodeArgs: readonly string[] = [],
  launcher: readonly string[] = [],
): ChildProcess {
  const argv = [process.execPath, ...nodeArgs, '--import', 'tsx', 'hub/server.ts'];
  const [command, ...args] = [...launcher, ...argv];
  return spawn(command!, args, {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    stdio,
  });
}

/** A hub started by `startDemoHub`. */
export interface DemoHubProcess {
  base: string;
  child: ChildProcess;
  /** SIGTERM, then waits for the process to end (nothing when it already has). */
  stop(): Promise<void>;
}

/**
 * The hub as `npm start` runs it (`node --import tsx`, development profile, demo data) in a child
 * process on a free port, once `/health/ready` answers 200: the demo data, and so the demo agencies'
 * keys and citizens, are in. The caller stops it (also when this throws, after the process started:
 * `onStarted` hands it over first).
 */
export async function startDemoHub(
  dataDir: string,
  options: { readyWithinMs?: number; onStarted?: (hub: DemoHubProcess) => void } = {},
): Promise<DemoHubProcess> {
  const port = await freePort();
  const child = spawnServer(
    {
      NODE_ENV: 'development',
      LIENTHONG_SEED_DEMO: 'true',
      LIENTHONG_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    ['ignore', 'ignore', 'pipe'],
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const hub: DemoHubProcess = {
    base: `http://127.0.0.1:${port}`,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
  options.onStarted?.(hub);
  const within = options.readyWithinMs ?? 120_000;
  const deadline = Date.now() + within;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the hub exited: ${stderr}`);
    const status = await fetch(`${hub.base}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return hub;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the hub was not ready within ${within / 1000} s: ${stderr}`);
}
