import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lambda/config.js';
import { BATCH_METADATA, batchEntryKey, batchKey, RUN_ATTRIBUTE } from '../../../lambda/contract.js';
import { createHandler } from '../../../lambda/handler.js';
import { silentLogger } from '../../../lambda/log.js';

const TABLE = 'tbl';
const TRUNCATED = readFileSync(path.resolve(import.meta.dirname, '../../../images/skimage_rocket.jpg')).subarray(0, 4000);

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const ddbMock = mockClient(ddb);
const s3Mock = mockClient(s3);

/** What S3 sends the function (through the queue) for a browser's POST: no body of ours, no run attribute. */
function s3Notification(key: string) {
  const notification = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Post', s3: { bucket: { name: 'orig' }, object: { key, eTag: 'e1', size: TRUNCATED.length } } }] };
  return { Records: [{ eventSource: 'aws:sqs', messageId: `m-${key}`, body: JSON.stringify(notification), attributes: { ApproximateReceiveCount: '1' } }] };
}

const handler = () => createHandler({ s3, ddb, log: silentLogger, config: loadConfig({ THUMBS_THUMBNAILS_BUCKET: 'thumbs', THUMBS_TABLE: TABLE }) });
const transactions = () => ddbMock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
const countedBatch = (actions: ReturnType<typeof transactions>[number] | undefined) => actions?.at(-1)?.Update?.Key?.imageKey;

beforeEach(() => {
  ddbMock.reset();
  s3Mock.reset();
  s3Mock.on(GetObjectCommand).resolves({
    Body: { transformToByteArray: async () => new Uint8Array(TRUNCATED) } as never, ETag: '"e1"', ContentLength: TRUNCATED.length, ContentType: 'image/jpeg',
    Metadata: { [BATCH_METADATA]: 'gallery-1' },
  });
  s3Mock.on(HeadObjectCommand).resolves({ ETag: '"e1"', Metadata: { [BATCH_METADATA]: 'gallery-1' } });
  ddbMock.on(GetCommand).resolves({});
  ddbMock.on(TransactWriteCommand).resolves({});
});

describe('the batch of an S3-notified upload, from its object metadata (mocked AWS)', () => {
  it('counts an S3-notified image toward the batch its x-amz-meta-thumbs-batch names, in the item\'s transaction', async () => {
    expect(await handler()(s3Notification('uploads/a.jpg'))).toEqual({ batchItemFailures: [] });
    const [only] = transactions();
    expect(only?.map((action) => Object.keys(action)[0])).toEqual(['Put', 'Put', 'Update']);
    expect(only?.[1]?.Put?.Item).toMatchObject({ imageKey: batchEntryKey('gallery-1', 'uploads/a.jpg'), status: 'failed' });
    expect(countedBatch(only)).toBe(batchKey('gallery-1'));
    // The batch came from the GetObject the function makes anyway: no extra request.
    expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('asks S3 for the metadata of an image already done, so a file dropped again still counts toward its new batch', async () => {
    ddbMock.on(GetCommand, { Key: { imageKey: 'uploads/a.jpg' } }).resolves({ Item: { imageKey: 'uploads/a.jpg', status: 'done', etag: 'e1', renditions: [{}, {}], bytes: 9 } });
    expect(await handler()(s3Notification('uploads/a.jpg'))).toEqual({ batchItemFailures: [] });
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(HeadObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: 'orig', Key: 'uploads/a.jpg' }]);
    const [only] = transactions();
    expect(only?.map((action) => Object.keys(action)[0])).toEqual(['Put', 'Update']);
    expect(only?.[0]?.Put?.Item).toMatchObject({ imageKey: batchEntryKey('gallery-1', 'uploads/a.jpg'), status: 'done', renditions: 2 });
  });

  it('an object without the metadata is recorded uncounted, as before', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(TRUNCATED) } as never, ETag: '"e1"', ContentLength: TRUNCATED.length });
    expect(await handler()(s3Notification('uploads/b.jpg'))).toEqual({ batchItemFailures: [] });
    expect(transactions()).toHaveLength(0);
    expect(ddbMock.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.imageKey)).toEqual(['uploads/b.jpg']);
  });

  it('a message\'s run attribute wins over the metadata', async () => {
    const message = { v: 1, bucket: 'orig', key: 'uploads/a.jpg', etag: 'e1', size: TRUNCATED.length, contentType: 'image/jpeg' };
    const event = { Records: [{ eventSource: 'aws:sqs', messageId: 'm1', body: JSON.stringify(message), attributes: { ApproximateReceiveCount: '1' }, messageAttributes: { [RUN_ATTRIBUTE]: { stringValue: 'reprocess-7' } } }] };
    expect(await handler()(event)).toEqual({ batchItemFailures: [] });
    expect(countedBatch(transactions()[0])).toBe(batchKey('reprocess-7'));
  });
});
