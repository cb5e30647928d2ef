import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isReservedKey } from '../../lambda/contract.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsHash } from '../../lambda/settings-hash.js';
import { dlq } from '../../src/actions/dlq.js';
import { logs } from '../../src/actions/logs.js';
import { provision } from '../../src/actions/provision.js';
import { reprocess } from '../../src/actions/reprocess.js';
import { stacks } from '../../src/actions/stacks.js';
import { watchStatus, type WatchTick } from '../../src/actions/status-watch.js';
import type { Context } from '../../src/context.js';
import { startDevWorkers, type DevWorkers } from '../../src/local/dev-workers.js';
import { openStackLog, stackLogPath } from '../../src/local/stack-log.js';
import { serveStack } from '../../src/local/stack-worker.js';
import type { LogRecord } from '../../src/logs/log-record.js';
import { stackNames } from '../../src/resources/names.js';
import { readState } from '../../src/state/state-file.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const KEYS = ['a.jpg', 'nested/b.jpg', 'c d.jpg'];

let h: EmbeddedHarness;
let workers: DevWorkers | undefined;
let bucket: string;
let thumbnails: string;
let table: string;

async function image(color: string): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).jpeg().toBuffer();
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function items(ctx: Context) {
  const { Items = [] } = await ctx.clients.doc.send(new ScanCommand({ TableName: table }));
  // Each reprocess run's batch record and entries share the table; only images are compared here.
  return Items.filter((item) => !isReservedKey(String(item.imageKey))) as Array<{ imageKey: string; status: string; settings?: string; renditions: Array<{ name: string; format: string; key: string }> }>;
}

function serve() {
  workers = startDevWorkers(h.ctx, h.stateDir, { log: () => undefined, waitTimeSeconds: 1 });
}

beforeAll(async () => {
  h = await startEmbedded({ stack: 'ops' });
  await provision(h.ctx);
  const state = await readState(path.join(h.stateDir, 'local'), 'ops');
  bucket = state?.resources.originalsBucket?.id ?? '';
  thumbnails = state?.resources.thumbnailsBucket?.id ?? '';
  table = state?.resources.table?.id ?? '';
  serve();
});

afterAll(async () => {
  await workers?.stop();
  await h?.stop();
});

describe('operating the embedded backend', () => {
  it('reprocess --missing finds originals put with the SDK, the worker processes them, and logs prints a line per key', async () => {
    for (const [i, key] of KEYS.entries()) {
      await h.ctx.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await image(['red', 'green', 'blue'][i] ?? 'red'), ContentType: 'image/jpeg' }));
    }
    const plan = await reprocess(h.ctx, { reasons: ['missing'], dryRun: true });
    expect(plan.counts).toEqual({ failed: 0, stale: 0, missing: 3, current: 0 });
    expect(plan.messagesSent).toBe(0);

    const run = await reprocess(h.ctx, { reasons: ['missing'], wait: true, waitTimeoutSeconds: 30, pollMs: 100 });
    expect(run.messagesSent).toBe(3);
    expect(run.wait?.done.sort()).toEqual([...KEYS].sort());
    // Followed by the batch record, ending with the batch as `thumbs batches <id>` shows it.
    expect(run.wait).toMatchObject({ via: 'batch', batch: { id: run.batch, expected: 3, done: 3, failed: 0, complete: true } });
    const defaults = (await items(h.ctx)).map((item) => [item.imageKey, item.status, item.renditions.map((r) => r.name).join(',')]);
    expect(defaults.sort()).toEqual(KEYS.map((key) => [key, 'done', '128,512,1024']).sort());

    const records: LogRecord[] = [];
    await until(async () => {
      records.length = 0;
      await logs(h.ctx, { since: 0, onRecord: ({ record }) => records.push(record) });
      return records.filter((r) => r.msg === 'record' && r.status === 'done').length >= 3;
    }, 'three log records');
    expect(records.filter((r) => r.msg === 'record' && r.status === 'done').map((r) => r.key).sort()).toEqual([...KEYS].sort());
    const one: LogRecord[] = [];
    await logs(h.ctx, { since: 0, key: 'nested/b.jpg', onRecord: ({ record }) => one.push(record) });
    expect(one.map((r) => [r.key, r.status])).toEqual([['nested/b.jpg', 'done']]);
    expect(typeof one[0]?.ms).toBe('number');

    // Nothing left to do: a second run sends nothing.
    const again = await reprocess(h.ctx, {});
    expect(again.counts).toEqual({ failed: 0, stale: 0, missing: 0, current: 3 });
    expect(again.messagesSent).toBe(0);
  });

  it('after provision --renditions webp:200, reprocess --wait leaves every item with only the new rendition, and the next run finds nothing stale', async () => {
    await workers?.stop();
    // fauxqs keeps an aborted long poll waiting on the server, where it would take (and hide) the next
    // messages: let it run out (the worker polls for 1 s) before sending any.
    await new Promise((r) => setTimeout(r, 1_500));
    // The recorded choice, not this process's environment, is what reprocess and the worker both read.
    await provision(h.ctx, { renditions: 'webp:200' });
    serve();
    const plan = await reprocess(h.ctx, { dryRun: true });
    expect(plan.settings).toMatchObject({ renditions: 'webp:200', source: 'record' });
    const run = await reprocess(h.ctx, { wait: true, waitTimeoutSeconds: 30, pollMs: 100 });
    expect(run.counts).toEqual({ failed: 0, stale: 3, missing: 0, current: 0 });
    expect(run.wait?.done.sort()).toEqual([...KEYS].sort());
    expect(run.wait?.otherSettings).toEqual([]);
    const after = await items(h.ctx);
    const hash = settingsHash({ renditions: [{ format: 'webp', size: 200 }], quality: 80 });
    expect(after.map((item) => [item.imageKey, item.settings, item.renditions.map((r) => `${r.format}:${r.name}`)]).sort()).toEqual(
      KEYS.map((key) => [key, hash, ['webp:200']]).sort(),
    );
    for (const item of after) {
      const head = await h.ctx.clients.s3.send(new HeadObjectCommand({ Bucket: thumbnails, Key: item.renditions[0]?.key ?? '' }));
      expect(head.ContentType).toBe('image/webp');
    }
    const again = await reprocess(h.ctx, { dryRun: true });
    expect(again.counts).toEqual({ failed: 0, stale: 0, missing: 0, current: 3 });
  });

  it('status --watch ticks with the queue, the dead-letter queue and the items', async () => {
    const controller = new AbortController();
    const ticks: WatchTick[] = [];
    await watchStatus(h.ctx, { intervalMs: 10, signal: controller.signal, onTick: (tick) => {
      ticks.push(tick);
      if (ticks.length === 2) controller.abort();
    } });
    expect(ticks).toHaveLength(2);
    expect(ticks[1]).toMatchObject({ waiting: 0, inFlight: 0, deadLetters: 0, done: 3, failed: 0, itemsFrom: 'scan', ratePerSecond: 0 });
    expect(ticks[1]?.etaSeconds).toBeUndefined();
  });

  it('stacks lists the stack, healthy', async () => {
    const result = await stacks(h.ctx);
    const ops = result.stacks.find((s) => s.stack === 'ops');
    expect(ops).toMatchObject({ backend: 'embedded', foundBy: 'record', health: 'ok', missing: [] });
    expect(ops?.resources).toBeGreaterThanOrEqual(5);
  });
});

describe('the dead-letter queue on the embedded backend', () => {
  let ctx: Context;
  let otherDir: string;
  let queueUrl: string;
  let deadLetterUrl: string;

  beforeAll(async () => {
    otherDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-dlq-'));
    ctx = await h.contextFor({ stack: 'dead', stateDir: otherDir });
    await provision(ctx);
    const state = await readState(path.join(otherDir, 'local'), 'dead');
    queueUrl = state?.resources.queue?.id ?? '';
    deadLetterUrl = state?.resources.deadLetterQueue?.id ?? '';
    const deadLetterArn = state?.resources.deadLetterQueue?.arn ?? '';
    // Short visibility and two receives, so the malformed message is dead-lettered in about two seconds.
    await ctx.clients.sqs.send(new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: 2 }) },
    }));
  });

  afterAll(async () => {
    await rm(otherDir, { recursive: true, force: true });
  });

  async function depth(url: string): Promise<number> {
    const { Attributes = {} } = await ctx.clients.sqs.send(new GetQueueAttributesCommand({
      QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }));
    return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  }

  it('a malformed message reaches the DLQ; dlq lists it without consuming it; --redrive puts it back exactly once', async () => {
    const state = await readState(path.join(otherDir, 'local'), 'dead');
    const file = openStackLog(stackLogPath(path.join(otherDir, 'local'), 'dead'));
    const worker = serveStack(ctx, { names: stackNames('dead', state?.account ?? '', state?.region ?? ''), state: state! }, { log: file.log, waitTimeSeconds: 1 });
    const body = '{"not":"a thumbs message"}';
    const { MessageId } = await ctx.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    try {
      await until(async () => (await depth(deadLetterUrl)) === 1, 'the message in the DLQ');
    } finally {
      await worker.stop();
      await file.close();
    }

    const listed = await dlq(ctx);
    expect(listed.messages.map((m) => [m.messageId, m.body, m.key])).toEqual([[MessageId, body, undefined]]);
    expect(listed.messages[0]?.receiveCount).toBeGreaterThanOrEqual(2);
    expect(listed.messages[0]?.lastError).toMatchObject({ from: 'log', error: expect.stringContaining('neither a thumbs upload message') });
    // Not consumed: visible again at once, and listed a second time.
    expect(await depth(deadLetterUrl)).toBe(1);
    expect((await dlq(ctx)).messages.map((m) => m.messageId)).toEqual([MessageId]);

    const moved = await dlq(ctx, { redrive: true });
    expect(moved.redrive).toEqual({ method: 'copy', moved: 1, failed: 0, deleteFailed: 0 });
    expect(await depth(deadLetterUrl)).toBe(0);
    const { Messages = [] } = await ctx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages.map((m) => m.Body)).toEqual([body]);
  });

  it('--purge deletes only after confirmation', async () => {
    await ctx.clients.sqs.send(new SendMessageCommand({ QueueUrl: deadLetterUrl, MessageBody: '{"v":1,"bucket":"b","key":"gone.jpg"}' }));
    const refused = await dlq(await h.contextFor({ stack: 'dead', stateDir: otherDir, yes: false }), { purge: true });
    expect(refused).toMatchObject({ confirmed: false, messages: [expect.objectContaining({ key: 'gone.jpg' })] });
    expect(refused.purged).toBeUndefined();
    expect(await depth(deadLetterUrl)).toBe(1);
    const purged = await dlq(ctx, { purge: true });
    expect(purged).toMatchObject({ confirmed: true, purged: 1 });
    expect(await depth(deadLetterUrl)).toBe(0);
  });
});
