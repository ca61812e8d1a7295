import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Separate hosts on this machine: one network namespace each, joined by a bridge in this one. */
export interface TestHosts {
  /** The address of each host, in the order asked. */
  addresses: string[];
  /** The command prefix that runs a program on host `i` (`ip netns exec <ns>`). */
  launcher(i: number): string[];
  /** Deletes the namespaces, their links and the bridge. */
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Whether this process may create network namespaces (root, with iproute2). */
export function canCreateHosts(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates `count` hosts: namespace `lt<tag>h<i>` with loopback up and a veth whose other end is on a
 * bridge in this namespace; the hosts are 10.<a>.<b>.<10+i>/24 and this namespace is .1 on the
 * bridge, so this process reaches every host and the hosts reach each other, and nothing else.
 */
export function createTestHosts(count: number): TestHosts {
  const tag = randomBytes(3).toString('hex');
  const [a, b] = [100 + (randomBytes(1)[0]! % 100), randomBytes(1)[0]! % 250];
  const net = `10.${a}.${b}`;
  const bridge = `ltb${tag}`;
  const namespaces: string[] = [];
  const remove = () => {
    for (const ns of namespaces) {
      try {
        ip('netns', 'del', ns);
      } catch {}
    }
    try {
      ip('link', 'del', bridge);
    } catch {}
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${net}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 0; i < count; i++) {
      const ns = `lt${tag}h${i}`;
      const outside = `ltv${tag}${i}a`;
      const inside = `ltv${tag}${i}b`;
      ip('netns', 'add', ns);
      namespaces.push(ns);
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', outside, 'master', bridge);
      ip('link', 'set', outside, 'up');
      ip('link', 'set', inside, 'netns', ns);
      ip('-n', ns, 'addr', 'add', `${net}.${10 + i}/24`, 'dev', inside);
      ip('-n', ns, 'link', 'set', inside, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  } catch (error) {
    remove();
    throw error;
  }
  return {
    addresses: namespaces.map((_, i) => `${net}.${10 + i}`),
    launcher: (i) => ['ip', 'netns', 'exec', namespaces[i]!],
    remove,
  };
}
