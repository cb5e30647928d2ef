/**
 * A TCP proxy that holds every chunk for `delayMs` in each direction, so a loopback emulator
 * behaves like a far-away endpoint (15 ms each way = 30 ms round trip). Order is kept because
 * timers with the same delay fire in the order they were set.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface DelayProxy {
  url: string;
  close(): Promise<void>;
}

function relay(from: net.Socket, to: net.Socket, delayMs: number): void {
  from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
}

export async function startDelayProxy(target: string, delayMs: number): Promise<DelayProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    relay(client, upstream, delayMs);
    relay(upstream, client, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Run as its own process (`node --import tsx bench/lib/delay-proxy.ts <target> <ms>`): prints its
 * URL on stdout. Kept out of the emulator's process so relaying bytes does not slow the emulator.
 */
if (process.argv[1]?.endsWith('delay-proxy.ts')) {
  const [target, delay] = process.argv.slice(2);
  const proxy = await startDelayProxy(target ?? '', Number(delay ?? 15));
  process.stdout.write(`${proxy.url}\n`);
  process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
}
