import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/local/constants.js';
import { isolatedEnv, runCli, startDev, type CliRun } from '../helpers/cli.js';

const IMAGES = path.resolve(import.meta.dirname, '../../images');

/** Commands racing on one stack, and input refused before anything is created, through the real CLI. */
describe('thumbs CLI: one command per stack at a time, and nothing created from bad input', () => {
  let stateDir: string;
  let dev: { stop(): Promise<void> };
  let env: NodeJS.ProcessEnv;
  let s3: S3Client;
  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-safety-'));
    dev = await startDev(stateDir);
    env = isolatedEnv({ THUMBS_STATE_DIR: stateDir });
    const endpoints = JSON.parse(await readFile(path.join(stateDir, 'local.json'), 'utf8')) as { s3: string; region: string };
    s3 = new S3Client({ endpoint: endpoints.s3, region: endpoints.region, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  });
  afterAll(async () => {
    s3?.destroy();
    await dev.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  const buckets = async () => ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? '');
  const lockFile = (stack: string) => path.join(stateDir, 'local', `${stack}.lock`);

  it('two provisions of one stack at once: one waits for the other (or is refused naming it), never both at once', async () => {
    const runs = await Promise.all([1, 2].map(() => runCli(['provision', '--local', '--stack', 'race', '--json'], { env })));
    for (const run of runs) expect([0, 2]).toContain(run.code);
    const ok = runs.filter((run) => run.code === 0);
    expect(ok.length).toBeGreaterThan(0);
    for (const refused of runs.filter((run) => run.code === 2)) expect(refused.stdout).toMatch(/"code": "stack-locked"[\s\S]*thumbs provision \(pid \d+/);
    const statuses = ok.flatMap((run) => (JSON.parse(run.stdout) as { resources: Array<{ kind: string; status: string }> }).resources);
    // Whoever came second found everything made: each resource was created exactly once.
    expect(statuses.filter((r) => r.status === 'created')).toHaveLength(5);
    await expect(stat(lockFile('race'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a command holding the lock is named, exit 2, and nothing is created; its lock, once stale, is taken over', async () => {
    // A live holder: a process that sleeps until the test ends it.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await writeFile(lockFile('held'), JSON.stringify({ pid: holder.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: 'teardown' }));
    const before = await buckets();
    const refused = await runCli(['provision', '--local', '--stack', 'held'], { env: { ...env, THUMBS_LOCK_WAIT_SECONDS: '1' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`stack "held" is in use by thumbs teardown (pid ${holder.pid} on ${os.hostname()}`);
    expect(await buckets()).toEqual(before);
    await expect(stat(path.join(stateDir, 'local', 'held.json'))).rejects.toMatchObject({ code: 'ENOENT' });

    holder.kill();
    await new Promise((resolve) => holder.once('exit', resolve));
    const taken = await runCli(['provision', '--local', '--stack', 'held'], { env: { ...env, THUMBS_LOCK_WAIT_SECONDS: '1' } });
    expect(taken.code).toBe(0);
    await expect(stat(lockFile('held'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reprocess and dlq --redrive/--purge wait for the lock like provision; listing the dead-letter queue does not', async () => {
    expect((await runCli(['provision', '--local', '--stack', 'ops'], { env })).code).toBe(0);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await writeFile(lockFile('ops'), JSON.stringify({ pid: holder.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: 'upload' }));
      const held = { env: { ...env, THUMBS_LOCK_WAIT_SECONDS: '1' } };
      for (const args of [['reprocess'], ['dlq', '--redrive'], ['dlq', '--purge', '--yes']]) {
        const refused = await runCli([...args, '--local', '--stack', 'ops', '--json'], held);
        expect(refused.code, args.join(' ')).toBe(2);
        expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'stack-locked' } });
      }
      expect((await runCli(['dlq', '--local', '--stack', 'ops', '--json'], held)).code).toBe(0);
    } finally {
      holder.kill();
    }
  });

  it('two uploads of one folder at once send each image once', async () => {
    expect((await runCli(['provision', '--local', '--stack', 'twice'], { env })).code).toBe(0);
    const folder = await mkdtemp(path.join(os.tmpdir(), 'thumbs-twice-'));
    await cp(IMAGES, folder, { recursive: true });
    const runs: CliRun[] = await Promise.all([1, 2].map(() => runCli(['upload', folder, '--local', '--stack', 'twice', '--json'], { env })));
    const sent = runs.filter((run) => run.code === 0).map((run) => (JSON.parse(run.stdout) as { messagesSent: number }).messagesSent);
    for (const run of runs) expect([0, 2]).toContain(run.code);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(18);
    await rm(folder, { recursive: true, force: true });
  });

  it('an unknown key in thumbs.config.json is refused (exit 2) naming the closest key; nothing is created', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'thumbs-cwd-'));
    const before = await buckets();
    await writeFile(path.join(cwd, 'thumbs.config.json'), JSON.stringify({ stak: 'photos' }));
    const typo = await runCli(['provision', '--local', '--json'], { cwd, env });
    expect(typo.code).toBe(2);
    expect(JSON.parse(typo.stdout)).toMatchObject({ error: { code: 'unknown-config-key', message: expect.stringContaining('"stak"'), hint: expect.stringContaining('"stack"') } });
    await writeFile(path.join(cwd, 'thumbs.config.json'), JSON.stringify({ local: 'yes' }));
    const wrongType = await runCli(['teardown', '--dry-run'], { cwd, env });
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('thumbs.config.json: "local" takes true or false, not "yes"');
    expect(await buckets()).toEqual(before);
    await rm(cwd, { recursive: true, force: true });
  });

  it('a region that is not a region name is refused (exit 2) before anything is created', async () => {
    const before = await buckets();
    for (const region of ['mars-north-1', 'us-east1']) {
      const run = await runCli(['provision', '--local', '--stack', 'nowhere', '--region', region, '--json'], { env });
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'bad-region', message: expect.stringContaining(region) } });
    }
    const fromEnv = await runCli(['provision', '--endpoint-url', 'http://127.0.0.1:9', '--stack', 'nowhere'], { env: { ...env, AWS_REGION: 'mars-north-1' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('AWS_REGION=mars-north-1 is not an AWS region name');
    expect(await buckets()).toEqual(before);
    await expect(stat(path.join(stateDir, 'local', 'nowhere.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
