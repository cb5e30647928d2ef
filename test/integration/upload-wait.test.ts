import { DeleteBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageBody } from '../../lambda/contract.js';
import { provision } from '../../src/actions/provision.js';
import { upload, uploadOutcomeError } from '../../src/actions/upload.js';
import { openStack } from '../../src/state/open-stack.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const IMAGES = path.resolve(import.meta.dirname, '../../images');
const NAMES = ['skimage_coins.png', 'skimage_camera.png', 'skimage_retina.jpg'];
let harness: EmbeddedHarness;

beforeAll(async () => {
  harness = await startEmbedded();
});
afterAll(async () => harness.stop());

async function uploaded(stack: string) {
  const ctx = await harness.contextFor({ stack });
  await provision(ctx);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-wait-'));
  for (const name of NAMES) await cp(path.join(IMAGES, name), path.join(dir, name));
  const first = await upload(ctx, dir);
  const { store } = await openStack(ctx, { persist: false });
  const id = (kind: Parameters<typeof store.get>[0]) => store.get(kind)?.id ?? '';
  return { ctx, dir, first, table: id('table'), deadLetterUrl: id('deadLetterQueue'), thumbnails: id('thumbnailsBucket') };
}

describe('upload --wait (embedded backend, no function running)', () => {
  it('ends as soon as every image is done, failed or dead-lettered, names the dead-lettered key and leaves it in the DLQ', async () => {
    const { ctx, dir, table, deadLetterUrl } = await uploaded('dead');
    const bucket = (await openStack(ctx, { persist: false })).store.get('originalsBucket')?.id ?? '';
    const { Contents = [] } = await ctx.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const etags = new Map(Contents.map((object) => [object.Key ?? '', (object.ETag ?? '').replace(/"/g, '')]));
    await ctx.clients.doc.send(new PutCommand({ TableName: table, Item: { imageKey: NAMES[0], etag: etags.get(NAMES[0] ?? ''), status: 'done' } }));
    await ctx.clients.doc.send(new PutCommand({ TableName: table, Item: { imageKey: NAMES[1], etag: etags.get(NAMES[1] ?? ''), status: 'failed', error: 'corrupt PNG' } }));
    // The third one reaches the DLQ once the wait has begun (its first table read).
    let sent = false;
    ctx.clients.doc.middlewareStack.add((next, context) => async (args) => {
      const output = await next(args);
      if (String(context.commandName).startsWith('BatchGet') && !sent) {
        sent = true;
        const key = NAMES[2] ?? '';
        await ctx.clients.sqs.send(new SendMessageCommand({
          QueueUrl: deadLetterUrl,
          MessageBody: messageBody({ v: 1, bucket, key, etag: etags.get(key) ?? '', size: 1, contentType: 'image/jpeg' }),
        }));
      }
      return output;
    }, { step: 'initialize', name: 'deadLetterDuringWait' });

    const result = await upload(ctx, dir, { wait: true, waitTimeoutSeconds: 5, pollMs: 50 });
    expect(result.wait).toMatchObject({
      done: [NAMES[0]],
      failed: [{ key: NAMES[1], error: 'corrupt PNG' }],
      deadLettered: [{ key: NAMES[2], reason: expect.stringContaining('failed it on every delivery') }],
      missing: [],
    });
    expect(result.wait?.interrupted).toBeUndefined();
    expect(uploadOutcomeError(result)?.code).toBe('dead-lettered');
    expect(harness.reporter.texts('warn')).toEqual(expect.arrayContaining([expect.stringContaining(`dead-lettered: ${NAMES[2]}`), `failed: ${NAMES[1]}: corrupt PNG`]));
    // Peeking consumed nothing: the message is there for the next reader.
    expect(result.wait?.deadLetterDepth).toBe(1);
    const { Messages = [] } = await ctx.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: deadLetterUrl, WaitTimeSeconds: 1 }));
    expect(Messages.map((m) => (JSON.parse(m.Body ?? '{}') as { key: string }).key)).toEqual([NAMES[2]]);
  });

  it('names a missing thumbnails bucket as the cause instead of advising a longer timeout', async () => {
    const { ctx, dir, thumbnails } = await uploaded('nothumbs');
    await ctx.clients.s3.send(new DeleteBucketCommand({ Bucket: thumbnails }));
    const result = await upload(ctx, dir, { wait: true, waitTimeoutSeconds: 1, pollMs: 100 });
    expect(result.wait?.missing).toHaveLength(3);
    expect(result.wait?.diagnosis?.cause).toBe('thumbnails-bucket-missing');
    const error = uploadOutcomeError(result);
    expect(error?.code).toBe('processing-timeout');
    expect(error?.hint).toContain(thumbnails);
    expect(error?.hint).not.toMatch(/wait-timeout/);
  });

  it('says nothing consumes the queue when no message was taken', async () => {
    const { ctx, dir } = await uploaded('noconsumer');
    const result = await upload(ctx, dir, { wait: true, waitTimeoutSeconds: 1, pollMs: 100 });
    expect(result.wait?.diagnosis?.cause).toBe('no-consumer');
    expect(uploadOutcomeError(result)?.hint).toContain('thumbs dev');
  });
});
