import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';

/** Accepts every connection and never sends a byte: the endpoint that used to freeze thumbs. */
let server: net.Server;
const sockets: net.Socket[] = [];
let endpoint: string;
let stateDir: string;

beforeAll(async () => {
  server = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-silent-'));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  server.close();
  await rm(stateDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) =>
  isolatedEnv({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', THUMBS_STATE_DIR: stateDir, ...extra });

/** Far above what the timeouts allow, far below "hung": the bound is the point, not the figure. */
const GENEROUS_MS = 45_000;

describe('an endpoint that accepts connections and never answers', () => {
  it('provision ends with one error naming the endpoint and the call that got no answer', async () => {
    const started = Date.now();
    const run = await runCli(['provision', '--no-function', '--endpoint-url', endpoint, '--region', 'us-east-1'], {
      env: env({ THUMBS_IDLE_TIMEOUT_MS: '300', AWS_MAX_ATTEMPTS: '2' }),
    });
    expect(Date.now() - started).toBeLessThan(GENEROUS_MS);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`at ${endpoint} did not answer`);
    expect(run.stderr).toContain('connected, then no answer for 0.3 s (2 attempts)');
    // Each attempt that went unanswered was shown as it happened, before the final error.
    expect(run.stderr).toMatch(new RegExp(`no answer from \\w+ at ${endpoint.replace(/[.:/]/g, '\\$&')} to \\w+ \\(connected, then no answer for 0.3 s\\)`));
    expect(run.stderr).not.toMatch(/bug in thumbs|\n\s+at /);
  }, 60_000);

  it('doctor gives up on it within its deadline, with the default timeouts, and says so', async () => {
    const started = Date.now();
    const run = await runCli(['doctor', '--endpoint-url', endpoint, '--region', 'us-east-1'], { env: env() });
    expect(Date.now() - started).toBeLessThan(GENEROUS_MS);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}endpoint reachable: .*accepted a connection but did not answer/);
    expect(run.stdout).toContain(`FAIL  credentials: gave up: no answer from ${endpoint} within 7 s`);
  }, 60_000);
});
