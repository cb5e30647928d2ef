import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli, startDev } from '../helpers/cli.js';

function expectCleanError(run: { stderr: string }, pattern: RegExp) {
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).toMatch(/^hint: /m);
  // One message and a hint; no stack trace without --verbose.
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('thumbs CLI', () => {
  it('--help teaches every command and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['provision', 'teardown', 'dev']) expect(run.stdout).toContain(command);
    expect(run.stdout).toMatch(/Exit codes/);
    const sub = await runCli(['provision', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/Examples:/);
  });

  it('an unknown option is a usage error (exit 2) with a hint, and a JSON error when asked', async () => {
    const run = await runCli(['provision', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--bogus'/);
    expect(run.stderr).toMatch(/^hint: /m);
    const json = await runCli(['provision', '--bogus'], { env: isolatedEnv({ THUMBS_JSON: '1' }) });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'usage', message: "unknown option '--bogus'" } });
  });

  it('an invalid stack name is refused before any call (exit 2), naming it', async () => {
    const run = await runCli(['provision', '--stack', 'My_Photos', '--region', 'us-east-1']);
    expect(run.code).toBe(2);
    expectCleanError(run, /stack name "My_Photos" \(from --stack\) is not allowed/);
  });

  it('no credentials gives one clear message (exit 1)', async () => {
    const run = await runCli(['provision', '--region', 'us-east-1']);
    expect(run.code).toBe(1);
    expectCleanError(run, /no usable AWS credentials/);
  });

  it('an endpoint refusing connections names the endpoint', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const env = isolatedEnv({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    const run = await runCli(['provision', '--region', 'us-east-1', '--endpoint-url', `http://127.0.0.1:${port}`], { env });
    expect(run.code).toBe(1);
    expectCleanError(run, new RegExp(`cannot reach http://127.0.0.1:${port}`));
  });

  it('thumbs dev refuses a bad function setting before starting anything', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-e2e-'));
    const run = await runCli(['dev'], { env: isolatedEnv({ THUMBS_STATE_DIR: stateDir, THUMBS_RENDITIONS: 'bogus' }) });
    expect(run.code).toBe(2);
    expectCleanError(run, /THUMBS_RENDITIONS=bogus: entry "bogus" is invalid/);
    await expect(stat(path.join(stateDir, 'local.json'))).rejects.toThrow();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('--local without `thumbs dev` says how to start it', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-e2e-'));
    const run = await runCli(['provision', '--local'], { env: isolatedEnv({ THUMBS_STATE_DIR: stateDir }) });
    expect(run.code).toBe(1);
    expectCleanError(run, /embedded backend is not running/);
    expect(run.stderr).toMatch(/thumbs dev/);
    await rm(stateDir, { recursive: true, force: true });
  });
});

describe('thumbs CLI on the embedded backend', () => {
  let stateDir: string;
  let dev: { stop(): Promise<void> };
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-e2e-'));
    dev = await startDev(stateDir);
    env = isolatedEnv({ THUMBS_STATE_DIR: stateDir });
  });
  afterAll(async () => {
    await dev.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('provision --json prints one parseable document; teardown refuses without a TTY and --yes', async () => {
    const provisioned = await runCli(['provision', '--local', '--json'], { env });
    expect(provisioned.code).toBe(0);
    const result = JSON.parse(provisioned.stdout) as { resources: Array<{ status: string }> };
    expect(result.resources).toHaveLength(5);
    expect(result.resources.every((r) => r.status === 'created')).toBe(true);

    const refused = await runCli(['teardown', '--local'], { env });
    expect(refused.code).toBe(2);
    expectCleanError(refused, /refusing without confirmation/);
    await expect(stat(path.join(stateDir, 'local', 'default.json'))).resolves.toBeDefined();
    const still = JSON.parse((await runCli(['provision', '--local', '--json'], { env })).stdout) as { resources: Array<{ status: string }> };
    expect(still.resources.every((r) => r.status === 'unchanged')).toBe(true);

    const removed = await runCli(['teardown', '--local', '--yes', '--json'], { env });
    expect(removed.code).toBe(0);
    const down = JSON.parse(removed.stdout) as { results: Array<{ status: string }> };
    expect(down.results.filter((r) => r.status === 'deleted')).toHaveLength(5);
  });

  it('thumbs.config.json gives values that env and flags override', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'thumbs-cwd-'));
    await writeFile(path.join(cwd, 'thumbs.config.json'), JSON.stringify({ stack: 'from-file' }));
    const stackOf = async (args: string[], extra: Record<string, string> = {}) => {
      const run = await runCli(['provision', '--local', '--dry-run', '--json', ...args], { cwd, env: { ...env, ...extra } });
      return (JSON.parse(run.stdout) as { stack: string }).stack;
    };
    expect(await stackOf([])).toBe('from-file');
    expect(await stackOf([], { THUMBS_STACK: 'from-env' })).toBe('from-env');
    expect(await stackOf(['--stack', 'from-flag'], { THUMBS_STACK: 'from-env' })).toBe('from-flag');
    await writeFile(path.join(cwd, 'thumbs.config.json'), JSON.stringify({ timeout: 'soon' }));
    const bad = await runCli(['provision', '--local', '--dry-run'], { cwd, env });
    expect(bad.code).toBe(2);
    expectCleanError(bad, /thumbs\.config\.json: "timeout"/);
    await rm(cwd, { recursive: true, force: true });
  });

  it('--json errors are a JSON document too', async () => {
    const run = await runCli(['provision', '--local', '--json', '--stack', 'BAD'], { env });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'bad-stack-name' } });
  });
});
