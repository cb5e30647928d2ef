import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { doctor } from '../../src/actions/doctor.js';
import { CHECKS } from '../../src/doctor/checks.js';
import { probeTcp } from '../../src/doctor/endpoint.js';
import { mockAwsContext } from '../helpers/mock-context.js';

/** Loopback only: a listening port, then the same port once closed. */
let server: net.Server | undefined;
async function listen(): Promise<number> {
  server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
afterEach(async () => {
  await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
});

describe('endpoint probe', () => {
  it('passes when something listens and names the error when nothing does', async () => {
    const port = await listen();
    expect(await probeTcp(`http://127.0.0.1:${port}`)).toBeUndefined();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    expect(await probeTcp(`http://127.0.0.1:${port}`)).toBe('ECONNREFUSED');
  });

  it('fails the check for an --endpoint-url nothing listens on, with a fix', async () => {
    const port = await listen();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const { ctx } = await mockAwsContext();
    const endpoint = `http://127.0.0.1:${port}`;
    const target = { ...ctx.target, backend: 'endpoint' as const, endpoints: { s3: endpoint, sqs: endpoint, dynamodb: endpoint, other: endpoint } };
    const checks = CHECKS.filter((c) => c.name === 'endpoint reachable');
    const report = await doctor({ ...ctx, target }, { nodeVersion: '22.13.0', checks });
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ status: 'fail', detail: `${endpoint}: ECONNREFUSED`, fix: expect.stringContaining('--endpoint-url') });
  });
});
