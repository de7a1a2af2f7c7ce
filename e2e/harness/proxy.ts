import { createServer, connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback TCP proxy that can black-hole its connections: while black-holed, bytes in both
 * directions are silently dropped (sockets stay open, as on a broken network path), until healed.
 */
export async function startBlackholeProxy(targetPort: number, host = '127.0.0.1') {
  let blackholed = false;
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
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    blackhole: () => {
      blackholed = true;
    },
    heal: () => {
      blackholed = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
