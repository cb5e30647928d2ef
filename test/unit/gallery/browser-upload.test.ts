import { S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { presignUpload, uploadKey, uploadType, UPLOAD_PREFIX } from '../../../src/gallery/browser-upload.js';
import { changedSince, pipelineStatus } from '../../../src/gallery/live-status.js';
import type { GalleryImage } from '../../../src/gallery/load-images.js';

const s3 = new S3Client({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });

describe('uploadKey', () => {
  it('keeps the base name under the upload prefix, as text', () => {
    expect(uploadKey('holiday.jpg')).toBe('uploads/holiday.jpg');
    expect(uploadKey('C:\\fakepath\\a b.png')).toBe('uploads/a b.png');
    expect(uploadKey('../../etc/passwd')).toBe('uploads/passwd');
    expect(uploadKey('"><img src=x onerror=alert(1)>.jpg')).toBe('uploads/"><img src=x onerror=alert(1)>.jpg');
    expect(uploadKey('bad\u0000\nname.jpg')).toBe('uploads/badname.jpg');
    expect(uploadKey('..')).toBe('uploads/upload');
  });
});

describe('presignUpload', () => {
  it('signs no form for a type the function does not process, naming the file and the allowed types', async () => {
    for (const [name, type] of [['x.svg', 'image/svg+xml'], ['notes.jpg', 'text/plain'], ['page.html', 'text/html'], ['movie.mov', '']]) {
      await expect(presignUpload(s3, { bucket: 'originals', maxBytes: 10 }, name!, type!)).rejects.toMatchObject({ code: 'upload-type', exitCode: 2, message: expect.stringContaining(name!) });
    }
  });

  it('takes a HEIC the browser gave no type by its name', async () => {
    expect(uploadType('IMG_0001.HEIC', '')).toBe('image/heic');
    expect(uploadType('cat.PNG', 'IMAGE/PNG')).toBe('image/png');
    expect(uploadType('cat.png', '')).toBeUndefined();
  });

  it('signs a policy limited to the key, the prefix, the declared raster type and the stack max bytes', async () => {
    const form = await presignUpload(s3, { bucket: 'originals', maxBytes: 1234 }, 'cat.jpg', 'image/jpeg');
    expect(form.key).toBe(`${UPLOAD_PREFIX}cat.jpg`);
    expect(form.url).toBe('http://127.0.0.1:9/originals');
    const policy = JSON.parse(Buffer.from(form.fields.Policy!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(expect.arrayContaining([
      ['starts-with', '$key', 'uploads/'],
      { 'Content-Type': 'image/jpeg' },
      ['content-length-range', 1, 1234],
      { bucket: 'originals' },
      { key: 'uploads/cat.jpg' },
    ]));
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(600_000);
    expect(policy.conditions).not.toContainEqual(['starts-with', '$Content-Type', 'image/']);
    expect(form.fields).toMatchObject({ key: 'uploads/cat.jpg', 'Content-Type': 'image/jpeg', 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' });
    expect(form.fields['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
  });
});

const image = (key: string, processedAt: string, status = 'done'): GalleryImage => ({ key, status, processedAt, originalUrl: 'http://x/', renditions: [] });

describe('live status', () => {
  it('returns what was recorded after the cursor, and the newest time as the next cursor', () => {
    const newest = [image('c', '2030-01-01T00:00:03.000Z'), image('b', '2030-01-01T00:00:02.000Z'), image('a', '2030-01-01T00:00:01.000Z')];
    expect(changedSince(newest, '2030-01-01T00:00:01.000Z')).toEqual({ images: newest.slice(0, 2), cursor: '2030-01-01T00:00:03.000Z' });
    expect(changedSince(newest, '2030-01-01T00:00:03.000Z')).toEqual({ images: [], cursor: '2030-01-01T00:00:03.000Z' });
    expect(changedSince(newest, '').images).toHaveLength(3);
  });

  it('reads the queue and the dead-letter queue, and counts done in the last minute', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(GetQueueAttributesCommand, { QueueUrl: 'q' }).resolves({ Attributes: { ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '2' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: 'dlq' }).resolves({ Attributes: { ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0' } });
    const now = Date.parse('2030-01-01T00:10:00.000Z');
    const newest = [image('c', '2030-01-01T00:09:30.000Z'), image('f', '2030-01-01T00:09:20.000Z', 'failed'), image('a', '2030-01-01T00:08:00.000Z')];
    expect(await pipelineStatus(new SQSClient({ region: 'eu-west-1' }), { queueUrl: 'q', deadLetterUrl: 'dlq' }, newest, now))
      .toEqual({ waiting: 7, inFlight: 2, deadLettered: 1, donePerMinute: 1, doneCapped: false });
    expect(await pipelineStatus(new SQSClient({ region: 'eu-west-1' }), {}, [], now)).toEqual({ donePerMinute: 0, doneCapped: false });
    sqs.restore();
  });
});
