import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { upload, uploadOutcomeError } from '../../src/actions/upload.js';
import type { Context } from '../../src/context.js';
import { isThumbsError } from '../../src/errors.js';
import { openStack } from '../../src/state/open-stack.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const IMAGES = path.resolve(import.meta.dirname, '../../images');
const N = 18;
let harness: EmbeddedHarness;

async function stackFor(stack: string): Promise<{ ctx: Context; bucket: string; queueUrl: string }> {
  const ctx = await harness.contextFor({ stack });
  await provision(ctx);
  const { store } = await openStack(ctx, { persist: false });
  return { ctx, bucket: store.get('originalsBucket')?.id ?? '', queueUrl: store.get('queue')?.id ?? '' };
}

async function depth(ctx: Context, queueUrl: string): Promise<number> {
  const { Attributes } = await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes?.ApproximateNumberOfMessages);
}

async function keys(ctx: Context, bucket: string): Promise<string[]> {
  const { Contents = [] } = await ctx.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return Contents.map((c) => c.Key ?? '').sort();
}

const scratch = () => mkdtemp(path.join(os.tmpdir(), 'thumbs-upload-'));

beforeAll(async () => {
  harness = await startEmbedded();
});
afterAll(async () => harness.stop());

describe('upload (embedded backend)', () => {
  it('uploads every image of images/ with one exact message each, and a re-run sends nothing', async () => {
    const { ctx, bucket, queueUrl } = await stackFor('full');
    const result = await upload(ctx, IMAGES);
    expect(result).toMatchObject({ uploaded: N, unchanged: 0, messagesSent: N, failed: [] });
    expect(result.skipped).toEqual([{ path: path.join(IMAGES, 'LICENSES.md'), reason: 'not an image' }]);
    expect(await keys(ctx, bucket)).toHaveLength(N);
    expect(await keys(ctx, bucket)).toContain('city walks/café+night_lomiri_sunset_by_Aitzol_Berasategi.jpg');
    expect(await depth(ctx, queueUrl)).toBe(N);

    const { Messages = [] } = await ctx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 1 }));
    expect(Messages.length).toBeGreaterThan(0);
    for (const m of Messages) {
      const body = JSON.parse(m.Body ?? '') as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['v', 'bucket', 'key', 'etag', 'size', 'contentType']);
      expect(body).toMatchObject({ v: 1, bucket, etag: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(body.contentType).toBe(String(body.key).endsWith('.png') ? 'image/png' : 'image/jpeg');
      expect(body.size).toBe((await readFile(path.join(IMAGES, String(body.key)))).length);
    }

    const again = await upload(ctx, IMAGES);
    expect(again).toMatchObject({ uploaded: 0, unchanged: N, messagesSent: 0, failed: [] });
  });

  it('after an interrupted upload, sends messages only for the rest (including uploaded-but-unannounced files)', async () => {
    const { ctx, bucket, queueUrl } = await stackFor('resume');
    const all = await scratch();
    await cp(IMAGES, all, { recursive: true });
    const partial = await scratch();
    const firstFive = ['lomiri_Wine_by_Jakkub_Mede.jpg', 'skimage_coins.png', 'skimage_camera.png', 'skimage_retina.jpg', 'lomiri_life_by_Aitzol_Berasategi.jpg'];
    for (const name of firstFive) await cp(path.join(IMAGES, name), path.join(partial, name));
    expect(await upload(ctx, partial)).toMatchObject({ uploaded: 5, messagesSent: 5 });
    // Two more objects made it to S3, but the run died before their messages went out.
    for (const name of ['skimage_chelsea.png', 'city walks/lomiri_picosdeeuropa_by_Aitzol_Berasategi.jpg']) {
      await ctx.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: await readFile(path.join(IMAGES, name)) }));
    }
    const full = await upload(ctx, all);
    expect(full).toMatchObject({ uploaded: N - 7, unchanged: 7, messagesSent: N - 5, failed: [] });
    expect(await depth(ctx, queueUrl)).toBe(N);
  });

  it('names skipped files with their reasons, and fails clearly on a missing or empty folder', async () => {
    const { ctx } = await stackFor('skips');
    const dir = await scratch();
    await cp(path.join(IMAGES, 'skimage_coins.png'), path.join(dir, 'coins.png'));
    await writeFile(path.join(dir, 'notes.jpg'), 'not a photo');
    await writeFile(path.join(dir, 'empty.jpg'), '');
    const result = await upload(ctx, dir);
    expect(result.uploaded).toBe(1);
    expect(result.skipped).toEqual(expect.arrayContaining([
      { path: path.join(dir, 'notes.jpg'), reason: 'not an image' },
      { path: path.join(dir, 'empty.jpg'), reason: 'empty file' },
    ]));
    const missing = path.join(dir, 'no-such-folder');
    await expect(upload(ctx, missing)).rejects.toSatisfy((e) => isThumbsError(e) && e.code === 'folder-not-found' && e.message.includes(missing));
    const empty = path.join(dir, 'empty-folder');
    await mkdir(empty);
    await expect(upload(ctx, empty)).rejects.toSatisfy((e) => isThumbsError(e) && e.code === 'no-images' && e.message.includes(empty) && e.exitCode === 1);
    await writeFile(path.join(empty, 'readme.txt'), 'hello');
    await expect(upload(ctx, empty)).rejects.toSatisfy((e) => isThumbsError(e) && e.code === 'no-images' && (e.hint ?? '').includes('readme.txt: not an image'));
  });

  it('--dry-run lists what would be uploaded and writes nothing', async () => {
    const { ctx, bucket, queueUrl } = await stackFor('dry');
    const result = await upload(ctx, IMAGES, { dryRun: true });
    expect(result.planned?.filter((p) => p.action === 'upload')).toHaveLength(N);
    expect(result).toMatchObject({ uploaded: 0, messagesSent: 0, dryRun: true });
    expect(await keys(ctx, bucket)).toEqual([]);
    expect(await depth(ctx, queueUrl)).toBe(0);
  });

  it('refuses a stack that is not provisioned, naming the stack and the provision command', async () => {
    const ctx = await harness.contextFor({ stack: 'never' });
    await expect(upload(ctx, IMAGES)).rejects.toSatisfy((e) => isThumbsError(e) && e.code === 'not-provisioned' && e.message.includes('never') && (e.hint ?? '').includes('thumbs provision --stack never --local'));
  });

  it('names where an unprovisioned stack\'s name came from, since a stray THUMBS_STACK is the likelier mistake', async () => {
    const ctx = await harness.contextFor({ stack: 'stray', stackFrom: 'from THUMBS_STACK' });
    await expect(upload(ctx, IMAGES)).rejects.toSatisfy((e) => isThumbsError(e) && e.message.startsWith('stack stray (from THUMBS_STACK) is not provisioned') && (e.hint ?? '').includes('thumbs stacks'));
  });

  it('--wait reports done, failed and missing images by their items', async () => {
    const { ctx } = await stackFor('waits');
    const dir = await scratch();
    for (const name of ['skimage_coins.png', 'skimage_camera.png', 'skimage_retina.jpg']) await cp(path.join(IMAGES, name), path.join(dir, name));
    const first = await upload(ctx, dir);
    const { store } = await openStack(ctx, { persist: false });
    const table = store.get('table')?.id ?? '';
    const etag = (await keysWithEtags(ctx, store.get('originalsBucket')?.id ?? '')).get('skimage_coins.png');
    await ctx.clients.doc.send(new PutCommand({ TableName: table, Item: { imageKey: 'skimage_coins.png', etag, status: 'done' } }));
    const camEtag = (await keysWithEtags(ctx, store.get('originalsBucket')?.id ?? '')).get('skimage_camera.png');
    await ctx.clients.doc.send(new PutCommand({ TableName: table, Item: { imageKey: 'skimage_camera.png', etag: camEtag, status: 'failed', error: 'corrupt JPEG' } }));
    await ctx.clients.doc.send(new PutCommand({ TableName: table, Item: { imageKey: 'skimage_retina.jpg', etag: 'an-older-version', status: 'done' } }));
    expect(first.uploaded).toBe(3);
    const result = await upload(ctx, dir, { wait: true, waitTimeoutSeconds: 1, pollMs: 100 });
    expect(result.wait).toMatchObject({ done: ['skimage_coins.png'], failed: [{ key: 'skimage_camera.png', error: 'corrupt JPEG' }], deadLettered: [], missing: ['skimage_retina.jpg'], deadLetterDepth: 0 });
    const error = uploadOutcomeError(result);
    expect(error?.code).toBe('processing-failed');
    // Recorded failed and acknowledged: the dead-letter queue holds none of them, so the hint must not send the user there.
    expect(error?.hint).not.toMatch(/end in the dead-letter queue/);
  });
});

async function keysWithEtags(ctx: Context, bucket: string): Promise<Map<string, string>> {
  const { Contents = [] } = await ctx.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return new Map(Contents.map((c) => [c.Key ?? '', (c.ETag ?? '').replace(/"/g, '')]));
}
