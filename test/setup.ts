import net from 'node:net';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';

expect.extend(allCustomMatcher);

/**
 * Tests never leave the machine: any connection from a test process to a host other than the
 * loopback interface fails at once, naming the host, instead of reaching AWS or hanging on DNS.
 */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  // net.createConnection passes its normalised arguments as one array.
  const normalized = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const first = normalized[0] as { host?: string } | number | string | undefined;
  const host = typeof first === 'object' && first !== null ? first.host : typeof normalized[1] === 'string' ? normalized[1] : undefined;
  // HTTP options carry the URL's path too, so only an absent host means a Unix socket or pipe.
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`test tried to connect to ${host}: tests must stay on loopback (mock the client instead)`);
  }
  return connect.apply(this, args as Parameters<typeof connect>);
} as typeof connect;
