import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { reprocess } from '../../src/actions/reprocess.js';
import { upload } from '../../src/actions/upload.js';
import type { Context } from '../../src/context.js';
import { openStack } from '../../src/state/open-stack.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';
import { photoPath } from '../helpers/photos.js';

let harness: EmbeddedHarness;
beforeAll(async () => {
  harness = await startEmbedded();
});
afterAll(() => harness.stop());

async function stackFor(stack: string) {
  const ctx = await harness.contextFor({ stack });
  await provision(ctx);
  const { store } = await openStack(ctx, { persist: false });
  return { ctx, bucket: store.get('originalsBucket')?.id ?? '', queueUrl: store.get('queue')?.id ?? '', table: store.get('table')?.id ?? '' };
}

/** Read with the SDK, never through upload: what the bucket and the queue hold. */
async function holdings(ctx: Context, bucket: string, queueUrl: string) {
  const { Contents = [] } = await ctx.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const { Attributes } = await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return { keys: Contents.map((c) => c.Key ?? '').sort(), messages: Number(Attributes?.ApproximateNumberOfMessages) };
}

describe('upload refuses bad input before it changes anything', () => {
  it('--wait with the table deleted fails before the first upload, naming the table', async () => {
    const { ctx, bucket, queueUrl, table } = await stackFor('tableless');
    await ctx.clients.dynamodb.send(new DeleteTableCommand({ TableName: table }));
    const folder = await mkdtemp(path.join(os.tmpdir(), 'thumbs-tableless-'));
    await copyFile(photoPath('skimage_coffee.png'), path.join(folder, 'coffee.png'));

    const error = await upload(ctx, folder, { wait: true, waitTimeoutSeconds: 5 }).then(() => undefined, (e: unknown) => e);

    expect(error).toMatchObject({ code: 'not-provisioned', message: expect.stringContaining(`table ${table} does not exist`) });
    expect(await holdings(ctx, bucket, queueUrl)).toEqual({ keys: [], messages: 0 });
  });

  it('a key longer than 1,024 bytes in UTF-8 is skipped and named, like any unusable file; the others go up', async () => {
    const { ctx, bucket, queueUrl } = await stackFor('longkeys');
    const folder = await mkdtemp(path.join(os.tmpdir(), 'thumbs-long-'));
    // 4 folders of 120 two-byte letters and a name of 50 more: 533 characters, 1,072 bytes.
    const folders = Array.from({ length: 4 }, (_, i) => `${i}${'é'.repeat(120)}`);
    const name = `${'ü'.repeat(50)}.png`;
    await mkdir(path.join(folder, ...folders), { recursive: true });
    const long = path.join(folder, ...folders, name);
    await copyFile(photoPath('skimage_coffee.png'), long);
    expect(Buffer.byteLength([...folders, name].join('/'))).toBe(1072);
    await copyFile(photoPath('skimage_coffee.png'), path.join(folder, 'short.png'));

    const result = await upload(ctx, folder);

    expect(result.skipped).toEqual([{ path: long, reason: expect.stringMatching(/key is 1072 bytes in UTF-8, S3 allows at most 1024/) }]);
    expect(result).toMatchObject({ uploaded: 1, messagesSent: 1, failed: [] });
    expect(await holdings(ctx, bucket, queueUrl)).toEqual({ keys: ['short.png'], messages: 1 });
  });

  it('--wait on a stack whose last provision made no function (--no-function) fails before the first upload: nothing would process the images', async () => {
    const { ctx, bucket, queueUrl } = await stackFor('functionless');
    // The embedded backend records no function for any stack; a backend with Lambda would have made one.
    const withLambda: Context = { ...ctx, capabilities: { ...ctx.capabilities, hasControlPlane: true } };
    const folder = await mkdtemp(path.join(os.tmpdir(), 'thumbs-functionless-'));
    await copyFile(photoPath('skimage_coffee.png'), path.join(folder, 'coffee.png'));

    const error = await upload(withLambda, folder, { wait: true, waitTimeoutSeconds: 5 }).then(() => undefined, (e: unknown) => e);

    expect(error).toMatchObject({ code: 'no-function', exitCode: 2, message: expect.stringContaining('--wait'), hint: expect.stringContaining('without --wait') });
    expect(await holdings(ctx, bucket, queueUrl)).toEqual({ keys: [], messages: 0 });
    // Without --wait the same upload goes ahead: the images wait in the queue for a function.
    expect(await upload(withLambda, folder)).toMatchObject({ uploaded: 1, messagesSent: 1 });
    const again = await reprocess(withLambda, { all: true, wait: true, waitTimeoutSeconds: 5 }).then(() => undefined, (e: unknown) => e);
    expect(again).toMatchObject({ code: 'no-function', exitCode: 2 });
    expect((await holdings(ctx, bucket, queueUrl)).messages).toBe(1);
  });
});
