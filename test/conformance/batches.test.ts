import { HeadObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { photo, photoPath } from '../helpers/photos.js';
import { conformanceFamily, PHOTO_KEYS } from './family.js';
import { waitFor } from './verify.js';

const family = await conformanceFamily('batches');
const { target, step } = family;
const stack = family.stack('ba');

interface Upload {
  batch?: string;
  messagesSent: number;
  wait?: { via?: string; fallback?: string; done: string[]; failed: Array<{ key: string }>; missing: string[]; batch?: { id: string; expected: number; done: number; failed: number; complete: boolean } };
}

/** The batch record as the table holds it: the reserved item `#thumbs/batch/<id>` (README: batch receipts). */
async function batchRecord(id: string): Promise<Record<string, unknown> | undefined> {
  const documents = DynamoDBDocumentClient.from(family.backend.clients.dynamodb);
  const { Item } = await documents.send(new GetCommand({ TableName: family.names(stack).table, Key: { imageKey: `#thumbs/batch/${id}` }, ConsistentRead: true }));
  return Item;
}

const finished = (record: Record<string, unknown> | undefined) => Number(record?.done ?? 0) + Number(record?.failed ?? 0) + Number(record?.deadLettered ?? 0);

let firstBatch = '';

describe(`batches (${target.label})`, () => {
  step('upload of N images starts a batch the table records with expected N', async () => {
    // Where functions do not run (moto), a function would only take the messages off the queue.
    const functionFlag = target.has.has('running functions') ? [] : ['--no-function'];
    const provisioned = await family.backend.cli(['provision', '--stack', stack, ...functionFlag]);
    expect(provisioned.code, provisioned.stderr).toBe(0);
    const { run, result } = await family.backend.json<Upload>(['upload', await family.photos(), '--stack', stack]);
    expect(run.code, run.stderr).toBe(0);
    expect(result.messagesSent).toBe(PHOTO_KEYS.length);
    expect(result.batch).toMatch(/^[0-9a-f-]{36}$/);
    firstBatch = result.batch ?? '';
    const record = await batchRecord(firstBatch);
    expect(record).toMatchObject({ batch: firstBatch, source: 'upload', expected: PHOTO_KEYS.length });
    return `batch of ${String(record?.expected)}`;
  });

  step('the function counts every image once, completes the batch and writes its report', async () => {
    const record = await waitFor(`batch ${firstBatch} complete`, () => batchRecord(firstBatch), (r) => typeof r?.completedAt === 'string', 120_000);
    expect(finished(record)).toBe(PHOTO_KEYS.length);
    expect(record).toMatchObject({ done: PHOTO_KEYS.length, finished: PHOTO_KEYS.length });
    const thumbnails = family.names(stack).thumbnailsBucket;
    const { s3 } = family.backend.clients;
    await s3.send(new HeadObjectCommand({ Bucket: thumbnails, Key: `reports/${firstBatch}.json` }));
    const csv = await (await s3.send(new GetObjectCommand({ Bucket: thumbnails, Key: `reports/${firstBatch}.csv` }))).Body?.transformToString();
    const rows = (csv ?? '').trim().split(/\r?\n/);
    expect(rows).toHaveLength(PHOTO_KEYS.length + 1);
    return `${String(record?.done)} done, ${String(record?.failed)} failed, report of ${rows.length - 1} rows`;
  }, { needs: ['running functions'] });

  step('upload --wait follows the batch where the function counts, and is refused before any upload where the stack has none', async () => {
    const folder = path.join(family.backend.workDir, 'more');
    await mkdir(folder, { recursive: true });
    await copyFile(photoPath('skimage_chelsea.png'), path.join(folder, 'chelsea.png'));
    const jpeg = photo('skimage_rocket.jpg');
    await writeFile(path.join(folder, 'cut.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 3)));
    const counting = target.has.has('running functions');
    const { run, result } = await family.backend.json<Upload & { error?: { code: string } }>(['upload', folder, '--stack', stack, '--wait', '--wait-timeout', counting ? '180' : '3']);
    if (!counting) {
      // Provisioned with --no-function above: nothing would process the images, so the wait is refused up front.
      expect(run.code).toBe(2);
      expect(result.error?.code).toBe('no-function');
      const { Contents = [] } = await family.backend.clients.s3.send(new ListObjectsV2Command({ Bucket: family.names(stack).originalsBucket, Prefix: 'chelsea' }));
      expect(Contents.map((c) => c.Key)).not.toContain('chelsea.png');
      return 'no function here: --wait refused (exit 2) before anything was uploaded';
    }
    const record = await batchRecord(result.batch ?? '');
    expect(record).toMatchObject({ expected: 2 });
    // One good image, one truncated: the exit code says an image failed.
    expect(run.code, run.stderr).toBe(1);
    expect(result.wait).toMatchObject({ via: 'batch', missing: [], batch: { id: result.batch, expected: 2, done: 1, failed: 1, complete: true } });
    expect(result.wait?.failed.map((f) => f.key)).toEqual(['cut.jpg']);
    expect(record).toMatchObject({ done: 1, failed: 1, finished: 2, completedAt: expect.any(String) });
    expect(run.stderr + run.stdout).not.toContain('read each image');
    return 'followed the batch record: 1 done, 1 failed';
  });
});
