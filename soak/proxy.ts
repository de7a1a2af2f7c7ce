import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of the master's agent port for the chaos soak. `drop()` resets every
 * connection at once (as a restarted router would); `blackhole()` keeps them open but silently drops
 * bytes both ways and holds new connections unanswered, until `heal()`. It listens on a fixed port so
 * the workers behind it survive restarts of the proxy's target (the master on the same port).
 */
export async function startFaultProxy(listenPort: number, targetPort: number, host = '127.0.0.1') {
  let blackholed = false;
  let drops = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('data', (data) => !blackholed && upstream.write(data));
    upstream.on('data', (data) => !blackholed && client.write(data));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    drop(): number {
      const n = sockets.size;
      drops += 1;
      for (const s of sockets) s.resetAndDestroy();
      return n;
    },
    blackhole: () => {
      blackholed = true;
    },
    heal: () => {
      blackholed = false;
    },
    isBlackholed: () => blackholed,
    drops: () => drops,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;
