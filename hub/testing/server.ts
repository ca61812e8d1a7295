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
