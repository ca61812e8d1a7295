import net from 'node:net';

/**
 * A TCP proxy in front of a test server that the test can make stop answering: `stall()` stops
 * forwarding on every connection open at that moment, in both directions, without closing any
 * socket (what a host that hangs, or a firewall that starts dropping packets, looks like to the
 * client: its bytes are acknowledged, never answered). Connections opened afterwards are forwarded
 * normally.
 */
export async function stallingProxy(target: { host: string; port: number }) {
  const pairs = new Set<{ client: net.Socket; server: net.Socket; stalled: boolean }>();
  let drained: (() => void) | undefined;
  const listener = net.createServer((client) => {
    const server = net.connect(target.port, target.host);
    const pair = { client, server, stalled: false };
    pairs.add(pair);
    // With backpressure, so the proxy never holds more than a socket's buffer of what it forwards.
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => {
        if (!pair.stalled && !to.write(chunk)) from.pause();
      });
      to.on('drain', () => {
        if (!pair.stalled) from.resume();
      });
    };
    forward(client, server);
    forward(server, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
      if (pairs.size === 0) drained?.();
    };
    for (const s of [client, server]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as net.AddressInfo;
  return {
    port,
    /** Stops forwarding on the open connections; returns how many. */
    stall(): number {
      for (const p of pairs) {
        p.stalled = true;
        p.client.resume();
        p.server.resume();
      }
      return pairs.size;
    },
    /** Resolves once no connection is open through the proxy (each client has closed its socket). */
    drained(): Promise<void> {
      return pairs.size === 0 ? Promise.resolve() : new Promise((resolve) => (drained = resolve));
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.server.destroy();
      }
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
