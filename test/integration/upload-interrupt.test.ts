import { DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_ATTRIBUTE } from '../../lambda/contract.js';
import { provision } from '../../src/actions/provision.js';
import { upload } from '../../src/actions/upload.js';
import type { Context } from '../../src/context.js';
import { writeLocalEndpoints } from '../../src/local/local-file.js';
import { openStack } from '../../src/state/open-stack.js';
import { journalPath } from '../../src/upload/sent-journal.js';
import { BIN, isolatedEnv, runCli } from '../helpers/cli.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

let harness: EmbeddedHarness;

beforeAll(async () => {
  harness = await startEmbedded();
});
afterAll(async () => harness.stop());

/** `count` tiny JPEGs, each different, so every key has its own ETag. */
async function tinyImages(count: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-tiny-'));
  await mkdir(path.join(dir, 'sub'));
  for (let i = 0; i < count; i += 1) {
    const jpeg = await sharp({ create: { width: 2, height: 2, channels: 3, background: { r: i % 256, g: (i >> 8) % 256, b: 7 } } }).jpeg().toBuffer();
    await writeFile(path.join(dir, i % 5 === 0 ? 'sub' : '', `p${i}.jpg`), jpeg);
  }
  return dir;
}

async function queueUrlOf(ctx: Context): Promise<string> {
  const { store } = await openStack(ctx, { persist: false });
  return store.get('queue')?.id ?? '';
}

/** Every message now in the queue (nothing consumes it in these tests), as key -> how many. */
async function drain(ctx: Context, queueUrl: string): Promise<{ perKey: Map<string, number>; runs: Set<string> }> {
  const perKey = new Map<string, number>();
  const runs = new Set<string>();
  for (let empty = 0; empty < 2;) {
    const { Messages = [] } = await ctx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600, MessageAttributeNames: ['All'] }));
    empty = Messages.length === 0 ? empty + 1 : 0;
    for (const m of Messages) {
      const { key } = JSON.parse(m.Body ?? '{}') as { key: string };
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      runs.add(m.MessageAttributes?.[RUN_ATTRIBUTE]?.StringValue ?? '');
    }
  }
  return { perKey, runs };
}

function expectOncePerKey(perKey: Map<string, number>, count: number): void {
  expect(perKey.size).toBe(count);
  expect([...perKey.values()].filter((n) => n !== 1)).toEqual([]);
}

describe('upload across interruptions (embedded backend, nothing consuming the queue)', () => {
  it('stopped after some batches finishes what is in flight; a re-run leaves exactly one message per image', async () => {
    const ctx = await harness.contextFor({ stack: 'stopped' });
    await provision(ctx);
    const queueUrl = await queueUrlOf(ctx);
    const folder = await tinyImages(120);
    const stop = new AbortController();
    let batches = 0;
    // Around Clients.sendMessageBatch, which sends most batches without the SDK's middleware stack.
    const sendMessageBatch = ctx.clients.sendMessageBatch;
    ctx.clients.sendMessageBatch = async (...args) => {
      const output = await sendMessageBatch(...args);
      if ((batches += 1) === 3) stop.abort();
      return output;
    };

    const first = await upload(ctx, folder, { concurrency: 4, signal: stop.signal });
    expect(first.interrupted).toBe(true);
    expect(first.uploaded).toBeLessThan(120);
    expect(first.messagesSent).toBe(first.uploaded);
    expect(first.failed).toEqual([]);

    const second = await upload(ctx, folder, { concurrency: 4 });
    expect(second.interrupted).toBeUndefined();
    expect(second.messagesSent + first.messagesSent).toBe(120);
    const { perKey, runs } = await drain(ctx, queueUrl);
    expectOncePerKey(perKey, 120);
    expect(runs.size).toBe(2);
  });

  it('Ctrl-C on `thumbs upload` exits 130 after journaling; a re-run sends exactly one message per image that has none', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-sigint-'));
    await writeLocalEndpoints(stateDir, { ...harness.emulators.endpoints, pid: process.pid });
    const ctx = await harness.contextFor({ stack: 'sigint', stateDir });
    await provision(ctx);
    const queueUrl = await queueUrlOf(ctx);
    const folder = await tinyImages(600);
    const args = ['upload', folder, '--local', '--stack', 'sigint', '--concurrency', '2', '--json'];
    const env = isolatedEnv({ THUMBS_STATE_DIR: stateDir });
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const journal = journalPath(path.join(stateDir, 'local'), 'sigint');
    // Interrupt once a few batches are answered.
    for (let i = 0; i < 2000; i += 1) {
      const text = await readFile(journal, 'utf8').catch(() => '');
      if ((text.match(/"s":/g) ?? []).length >= 3) break;
      await sleep(10);
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const first = JSON.parse(stdout) as { interrupted?: boolean; uploaded: number; messagesSent: number };
    expect(first.interrupted).toBe(true);
    expect(first.messagesSent).toBeGreaterThan(0);
    expect(first.messagesSent).toBeLessThan(600);

    const again = await runCli(args, { env });
    expect(again.code).toBe(0);
    const second = JSON.parse(again.stdout) as { messagesSent: number; uploaded: number; unchanged: number };
    expect(second.messagesSent).toBe(600 - first.messagesSent);
    expectOncePerKey((await drain(ctx, queueUrl)).perKey, 600);
  });

  it('after a lost SendMessageBatch answer, resends only the entries of that batch whose image has no item (the stated bound)', async () => {
    const ctx = await harness.contextFor({ stack: 'lost' });
    await provision(ctx);
    const queueUrl = await queueUrlOf(ctx);
    const { store } = await openStack(ctx, { persist: false });
    const table = store.get('table')?.id ?? '';
    const folder = await tinyImages(30);
    let batches = 0;
    let lost: Array<{ key: string; etag: string }> = [];
    // The second batch reaches SQS, but its answer never comes back (as if the process died then).
    const sendMessageBatch = ctx.clients.sendMessageBatch;
    ctx.clients.sendMessageBatch = async (command, ...rest) => {
      const output = await sendMessageBatch(command, ...rest);
      if ((batches += 1) === 2) {
        lost = (command.input.Entries ?? []).map((e) => JSON.parse(e.MessageBody ?? '') as { key: string; etag: string });
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      }
      return output;
    };
    const first = await upload(ctx, folder, { concurrency: 1 });
    expect(lost).toHaveLength(10);
    expect(first.messagesSent).toBe(20);
    expect(first.failed).toHaveLength(10);
    // Four of the ten were processed meanwhile: their items prove the messages arrived.
    for (const { key, etag } of lost.slice(0, 4)) {
      await ctx.clients.doc.send(new PutCommand({ TableName: table, Item: { imageKey: key, etag, status: 'done' } }));
    }
    ctx.clients.sendMessageBatch = sendMessageBatch;
    const second = await upload(ctx, folder, { concurrency: 1 });
    expect(second.messagesSent).toBe(6);
    expect(harness.reporter.texts('warn')).toContain('6 messages of an earlier run were in flight when it stopped and may be in the queue already; they are sent again (the function processes an image once)');
    const { perKey } = await drain(ctx, queueUrl);
    expect(perKey.size).toBe(30);
    const twice = [...perKey].filter(([, n]) => n === 2).map(([key]) => key).sort();
    expect(twice).toEqual(lost.slice(4).map((m) => m.key).sort());
    expect([...perKey.values()].filter((n) => n > 2)).toEqual([]);
    expect((await upload(ctx, folder)).messagesSent).toBe(0);
  });

  it('discards the journal of a deleted queue: after re-provisioning, every image is announced again', async () => {
    const ctx = await harness.contextFor({ stack: 'requeued' });
    await provision(ctx);
    const folder = await tinyImages(12);
    expect(await upload(ctx, folder)).toMatchObject({ uploaded: 12, messagesSent: 12 });
    const oldQueue = await queueUrlOf(ctx);
    const created = async (url: string) => (await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['CreatedTimestamp'] }))).Attributes?.CreatedTimestamp;
    const before = await created(oldQueue);
    // A teardown killed right after deleting the queue: the journal and the rest of the stack stay.
    await ctx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: oldQueue }));
    // SQS timestamps are in seconds (and AWS makes a name wait 60 s before it can be reused).
    await sleep(1100);
    await provision(ctx);
    const queueUrl = await queueUrlOf(ctx);
    expect(await created(queueUrl)).not.toBe(before);

    const again = await upload(ctx, folder);
    expect(again).toMatchObject({ uploaded: 0, unchanged: 12, messagesSent: 12 });
    expect(harness.reporter.texts('warn').some((text) => text.startsWith('upload journal discarded'))).toBe(true);
    expectOncePerKey((await drain(ctx, queueUrl)).perKey, 12);
    expect(await upload(ctx, folder)).toMatchObject({ messagesSent: 0 });
  });
});
