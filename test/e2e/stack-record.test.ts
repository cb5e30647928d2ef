import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/local/constants.js';
import { BIN, isolatedEnv, runCli, startDev } from '../helpers/cli.js';

const IMAGES = path.resolve(import.meta.dirname, '../../images');

/** Two folders, each with its own .thumbs/, working on one stack of one `thumbs dev`, through the real CLI. */
describe('thumbs CLI: one stack from two folders', () => {
  let root: string;
  let dev: { stop(): Promise<void> };
  let dynamodb: DynamoDBClient;
  const folder = (name: string) => path.join(root, name);
  const env = (name: string, extra: Record<string, string> = {}) => isolatedEnv({ THUMBS_STATE_DIR: path.join(folder(name), '.thumbs'), ...extra });

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'thumbs-folders-'));
    await mkdir(path.join(folder('a'), '.thumbs'), { recursive: true });
    dev = await startDev(path.join(folder('a'), '.thumbs'));
    // The second folder reaches the same running backend.
    await mkdir(path.join(folder('b'), '.thumbs'), { recursive: true });
    await copyFile(path.join(folder('a'), '.thumbs', 'local.json'), path.join(folder('b'), '.thumbs', 'local.json'));
    const endpoints = JSON.parse(await readFile(path.join(folder('a'), '.thumbs', 'local.json'), 'utf8')) as { dynamodb: string; region: string };
    dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: endpoints.region, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    dynamodb?.destroy();
    await dev.stop();
    await rm(root, { recursive: true, force: true });
  });

  /** A reserved item as DynamoDB holds it; the record's state (kept as JSON) parsed. */
  const reserved = async (key: string) => {
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: 'thumbs-shared-images', Key: { imageKey: { S: key } }, ConsistentRead: true }));
    const found = Item ? unmarshall(Item) : undefined;
    return found && typeof found.state === 'string' ? { ...found, state: JSON.parse(found.state) as unknown } : found;
  };

  it('a command from the second folder waits for the first, or is refused (exit 2) naming its pid and host; the record stays whole', async () => {
    const first = await runCli(['provision', '--local', '--stack', 'shared', '--memory', '2048', '--json'], { env: env('a') });
    expect(first.code, first.stderr).toBe(0);
    const before = (await reserved('#thumbs/record')) as { state: { config: Record<string, unknown>; resources: Record<string, unknown> } };
    expect(before.state.config).toMatchObject({ memory: 2048 });

    // Folder a holds the stack for the length of an upload that waits for its thumbnails.
    const holder = spawn(process.execPath, [BIN, 'upload', IMAGES, '--local', '--stack', 'shared', '--wait'], { env: env('a'), stdio: 'ignore' });
    const held = new Promise((resolve) => holder.once('close', resolve));
    let lease: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && !lease; i += 1) {
      lease = await reserved('#thumbs/lease');
      if (!lease) await new Promise((r) => setTimeout(r, 25));
    }
    expect(lease).toMatchObject({ command: 'upload', pid: holder.pid, host: os.hostname() });

    const refused = await runCli(['provision', '--local', '--stack', 'shared', '--json'], { env: env('b', { THUMBS_LOCK_WAIT_SECONDS: '0' }) });
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'stack-locked', message: expect.stringContaining(`thumbs upload (pid ${holder.pid} on ${os.hostname()}`) } });

    // With the default wait, the second folder's command gets in once the first is done (or names it).
    const waited = await runCli(['provision', '--local', '--stack', 'shared', '--json'], { env: env('b', { THUMBS_LOCK_WAIT_SECONDS: '60' }) });
    await held;
    expect(waited.code, waited.stderr).toBe(0);
    const result = JSON.parse(waited.stdout) as { resources: Array<{ status: string }>; config: { memory: number } };
    expect(result.resources.filter((r) => r.status === 'created')).toEqual([]);
    const after = (await reserved('#thumbs/record')) as typeof before;
    expect(after.state.config).toEqual(before.state.config);
    expect(Object.keys(after.state.resources).sort()).toEqual(Object.keys(before.state.resources).sort());
    expect(await reserved('#thumbs/lease')).toBeUndefined();
  }, 180_000);

  it('a deleted .thumbs/ loses nothing: status still sees the stack, a plain provision keeps memory 2048', async () => {
    await rm(path.join(folder('b'), '.thumbs', 'local'), { recursive: true, force: true });
    const status = await runCli(['status', '--local', '--stack', 'shared', '--json'], { env: env('b') });
    expect(JSON.parse(status.stdout)).toMatchObject({ provisioned: true });
    const plain = await runCli(['provision', '--local', '--stack', 'shared', '--json'], { env: env('b') });
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ changes: [], config: { memory: 2048 } });
  });

  it('thumbs unlock without a terminal and without --yes refuses (exit 2) and breaks nothing; with --yes it breaks the lease', async () => {
    // A live holder on this host, as a command of another folder would leave it.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await dynamodb.send(new PutItemCommand({
        TableName: 'thumbs-shared-images',
        Item: {
          imageKey: { S: '#thumbs/lease' }, leaseId: { S: 'held' }, command: { S: 'deploy' }, host: { S: os.hostname() }, pid: { N: String(holder.pid) },
          startedAt: { S: new Date().toISOString() }, expiresAtMs: { N: String(Date.now() + 60_000) },
        },
      }));
      const refused = await runCli(['unlock', '--local', '--stack', 'shared'], { env: env('b') });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`thumbs deploy (pid ${holder.pid} on ${os.hostname()}`);
      expect(await reserved('#thumbs/lease')).toMatchObject({ leaseId: 'held' });
      const broken = await runCli(['unlock', '--local', '--stack', 'shared', '--yes', '--json'], { env: env('b') });
      expect(broken.code, broken.stderr).toBe(0);
      expect(JSON.parse(broken.stdout)).toMatchObject({ broken: true, lease: { pid: holder.pid } });
      expect(await reserved('#thumbs/lease')).toBeUndefined();
    } finally {
      holder.kill();
    }
  });
});
