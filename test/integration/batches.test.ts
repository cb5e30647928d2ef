import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createHmac } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchKey, RUN_ATTRIBUTE } from '../../lambda/contract.js';
import { loadConfig } from '../../lambda/config.js';
import { createHandler } from '../../lambda/handler.js';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { sealBatch, startBatch } from '../../src/batches/batch-record.js';
import { provision } from '../../src/actions/provision.js';
import { upload } from '../../src/actions/upload.js';
import { listBatches, showBatch } from '../../src/actions/batches.js';
import { startDevWorkers, type DevWorkers } from '../../src/local/dev-workers.js';
import { openStack, stateDirFor } from '../../src/state/open-stack.js';
import { readState } from '../../src/state/state-file.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const IMAGES = path.resolve(import.meta.dirname, '../../images');
const GOOD = ['skimage_coins.png', 'skimage_rocket.jpg', 'skimage_camera.png', 'skimage_chelsea.png', 'skimage_retina.jpg'];

interface Received { body: string; signature: string | undefined }

/** A webhook receiver on loopback that records every POST. */
async function receiver(): Promise<{ url: string; posts: Received[]; close(): Promise<void> }> {
  const posts: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      posts.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-thumbs-signature'] as string | undefined });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    posts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function until(check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await delay(100);
  }
}

describe('a batch from upload to webhook and email (embedded backend, thumbs dev worker)', () => {
  let harness: EmbeddedHarness;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let workers: DevWorkers | undefined;
  beforeAll(async () => {
    harness = await startEmbedded();
    hook = await receiver();
  });
  afterAll(async () => {
    await workers?.stop();
    await hook?.close();
    await harness?.stop();
  });

  it('5 good and 2 truncated images: one signed POST with 5 done and 2 failed, a 7-row report, one .eml', async () => {
    const ctx = await harness.contextFor({ stack: 'batch' });
    await provision(ctx, { notify: `${hook.url} email:owner@example.com` });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-batch-'));
    for (const name of GOOD) await copyFile(path.join(IMAGES, name), path.join(dir, name));
    const jpeg = await readFile(path.join(IMAGES, 'lomiri_Wine_by_Jakkub_Mede.jpg'));
    await writeFile(path.join(dir, 'cut-1.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 3)));
    await writeFile(path.join(dir, 'cut-2.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));

    workers = startDevWorkers(ctx, harness.stateDir, { log: () => {} });
    const result = await upload(ctx, dir);
    expect(result.batch).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => hook.posts.length > 0);
    // Long enough for a second delivery's notification to arrive, were there one.
    await delay(1500);
    expect(hook.posts).toHaveLength(1);

    const [post] = hook.posts;
    const secret = (await readState(stateDirFor(ctx), 'batch'))?.config?.notifySecret ?? '';
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(post?.signature).toBe(`sha256=${createHmac('sha256', secret).update(post?.body ?? '').digest('hex')}`);
    const notice = JSON.parse(post?.body ?? '{}') as Record<string, unknown>;
    expect(notice).toMatchObject({ batch: result.batch, stack: 'batch', expected: 7, done: 5, failed: 2, deadLettered: 0 });

    const { store } = await openStack(ctx, { persist: false });
    const thumbnails = store.get('thumbnailsBucket')?.id ?? '';
    const csv = await (await ctx.clients.s3.send(new GetObjectCommand({ Bucket: thumbnails, Key: `reports/${result.batch}.csv` }))).Body?.transformToString();
    const rows = (csv ?? '').trim().split(/\r?\n/);
    expect(rows[0]).toBe('key,status,renditions,bytes,error,duration_ms');
    expect(rows.slice(1).sort()).toHaveLength(7);
    expect(rows.filter((row) => row.includes(',failed,')).map((row) => row.split(',')[0]).sort()).toEqual(['cut-1.jpg', 'cut-2.jpg']);

    const record = (await ctx.clients.doc.send(new GetCommand({ TableName: store.get('table')?.id, Key: { imageKey: batchKey(result.batch ?? '') } }))).Item;
    expect(record).toMatchObject({ expected: 7, done: 5, failed: 2, finished: 7, notifications: { [`http://127.0.0.1:${new URL(hook.url).port}`]: 'ok', 'email:owner@example.com': 'ok' } });
    expect(record?.completedAt).toEqual(notice.completedAt);

    const listed = await listBatches(ctx);
    expect(listed.batches.map((b) => b.id)).toEqual([result.batch]);
    expect(listed.batches[0]).toMatchObject({ source: 'upload', expected: 7, done: 5, failed: 2, deadLettered: 0, complete: true });
    const shown = await showBatch(ctx, result.batch ?? '');
    expect(shown.images).toHaveLength(7);
    expect(shown.images.filter((i) => i.status === 'failed').map((i) => [i.key, Boolean(i.error)])).toEqual([['cut-1.jpg', true], ['cut-2.jpg', true]]);
    expect(shown.report?.csv).toBe(`s3://${thumbnails}/reports/${result.batch}.csv`);

    const outbox = path.join(harness.stateDir, 'local', 'outbox');
    const mails = (await readdir(outbox)).filter((name) => name.endsWith('.eml'));
    expect(mails).toHaveLength(1);
    const mail = await readFile(path.join(outbox, mails[0] ?? ''), 'utf8');
    expect(mail).toContain('To: <owner@example.com>');
    expect(mail).toContain('5 done, 2 failed');
  });

  it('the same message delivered three times, twice at once, counts once on the real table', async () => {
    const ctx = await harness.contextFor({ stack: 'dup' });
    await provision(ctx);
    const { store } = await openStack(ctx, { persist: false });
    const place = { stack: 'dup', table: store.get('table')?.id ?? '', thumbnailsBucket: store.get('thumbnailsBucket')?.id ?? '' };
    const originals = store.get('originalsBucket')?.id ?? '';
    const body = await readFile(path.join(IMAGES, 'skimage_coins.png'));
    const { ETag } = await ctx.clients.s3.send(new PutObjectCommand({ Bucket: originals, Key: 'coins.png', Body: body, ContentType: 'image/png' }));
    await startBatch(ctx, place, 'dup-1', 'upload');
    await sealBatch(ctx, place, 'dup-1', 2);
    const handler = createHandler({ s3: ctx.clients.s3, ddb: ctx.clients.doc, config: loadConfig({ THUMBS_THUMBNAILS_BUCKET: place.thumbnailsBucket, THUMBS_TABLE: place.table }), log: () => {} });
    const event = {
      Records: [{
        eventSource: 'aws:sqs', messageId: 'm1', attributes: { ApproximateReceiveCount: '1' }, messageAttributes: { [RUN_ATTRIBUTE]: { stringValue: 'dup-1' } },
        body: JSON.stringify({ v: 1, bucket: originals, key: 'coins.png', etag: (ETag ?? '').replace(/"/g, ''), size: body.length, contentType: 'image/png' }),
      }],
    };
    await Promise.all([handler(event), handler(event)]);
    await handler(event);
    const record = (await ctx.clients.doc.send(new GetCommand({ TableName: place.table, Key: { imageKey: batchKey('dup-1') }, ConsistentRead: true }))).Item;
    expect(record).toMatchObject({ done: 1, failed: 0, finished: 1, expected: 2 });
    expect(record?.completedAt).toBeUndefined();
  });
});

describe('thumbs batches <id> takes the start of an id, as upload\'s progress shows it (embedded backend)', () => {
  let harness: EmbeddedHarness;
  beforeAll(async () => {
    harness = await startEmbedded();
  });
  afterAll(() => harness?.stop());

  it('a unique start finds its batch; a start shared by two names both; one matching none is an unknown batch', async () => {
    const ctx = await harness.contextFor({ stack: 'prefixes' });
    await provision(ctx);
    const { store } = await openStack(ctx, { persist: false });
    const place = { stack: 'prefixes', table: store.get('table')?.id ?? '', thumbnailsBucket: store.get('thumbnailsBucket')?.id ?? '' };
    const ids = ['68db7438-9210-4608-bd0b-f8375d21d26f', '6bd0dff7-3d76-45f2-a612-73b693adcca6', '6bd0aaaa-3d76-45f2-a612-73b693adcca6'];
    for (const id of ids) await startBatch(ctx, place, id, 'upload');

    expect((await showBatch(ctx, '68db7438')).id).toBe(ids[0]);
    expect((await showBatch(ctx, ids[1] ?? '')).id).toBe(ids[1]);
    const ambiguous = await showBatch(ctx, '6bd0').then(() => undefined, (e: unknown) => e);
    expect(ambiguous).toMatchObject({ code: 'ambiguous-batch', exitCode: 2, message: expect.stringContaining('"6bd0" (argument <id>)') });
    expect((ambiguous as Error).message).toContain(ids[1]);
    expect((ambiguous as Error).message).toContain(ids[2]);
    expect(await showBatch(ctx, 'ffff0000').then(() => undefined, (e: unknown) => e)).toMatchObject({ code: 'unknown-batch', exitCode: 2 });
  });
});
