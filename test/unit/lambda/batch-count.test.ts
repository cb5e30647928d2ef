import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBatchConfig } from '../../../lambda/batch-config.js';
import { loadConfig } from '../../../lambda/config.js';
import { batchEntryKey, batchKey, RUN_ATTRIBUTE } from '../../../lambda/contract.js';
import { createHandler } from '../../../lambda/handler.js';
import { silentLogger } from '../../../lambda/log.js';

const BATCH = 'b-1';
const TABLE = 'tbl';
const TRUNCATED = readFileSync(path.resolve(import.meta.dirname, '../../../images/skimage_rocket.jpg')).subarray(0, 4000);

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const ddbMock = mockClient(ddb);
const s3Mock = mockClient(s3);

function event(key: string, receiveCount = 1) {
  return {
    Records: [{
      eventSource: 'aws:sqs',
      messageId: `m-${key}`,
      body: JSON.stringify({ v: 1, bucket: 'orig', key, etag: 'e1', size: TRUNCATED.length, contentType: 'image/jpeg' }),
      attributes: { ApproximateReceiveCount: String(receiveCount) },
      messageAttributes: { [RUN_ATTRIBUTE]: { stringValue: BATCH } },
    }],
  };
}

const cancelled = (...codes: string[]) => new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

let posts: string[] = [];
let hookUrl = '';
let server: http.Server;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => { posts.push(body); res.writeHead(200).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function handler() {
  return createHandler({
    s3, ddb, log: silentLogger,
    config: loadConfig({ THUMBS_THUMBNAILS_BUCKET: 'thumbs', THUMBS_TABLE: TABLE }),
    batches: loadBatchConfig({ THUMBS_STACK: 'st', THUMBS_MAX_RECEIVE_COUNT: '5', THUMBS_NOTIFY: hookUrl, THUMBS_NOTIFY_SECRET: 'k' }),
  });
}

beforeEach(() => {
  ddbMock.reset();
  s3Mock.reset();
  posts = [];
  s3Mock.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(TRUNCATED) } as never, ETag: '"e1"', ContentLength: TRUNCATED.length, ContentType: 'image/jpeg' });
  ddbMock.on(GetCommand).resolves({});
  ddbMock.on(GetCommand, { Key: { imageKey: batchKey(BATCH) } }).resolves({ Item: { imageKey: batchKey(BATCH), batch: BATCH, expected: 10, finished: 1 } });
});

const transactions = () => ddbMock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);

describe('batch counting in the function (mocked DynamoDB)', () => {
  it('writes the failed item, the batch entry and ADD failed 1 in one transaction, each under its condition', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    expect(await handler()(event('a.jpg'))).toEqual({ batchItemFailures: [] });
    expect(transactions()).toHaveLength(1);
    const [item, entry, count] = transactions()[0] ?? [];
    expect(item?.Put).toMatchObject({ TableName: TABLE, Item: { imageKey: 'a.jpg', status: 'failed', etag: 'e1' } });
    expect(item?.Put?.ConditionExpression).toMatch(/^attribute_not_exists\(imageKey\) OR etag <> :etag OR #status <> :done/);
    expect(entry?.Put).toMatchObject({ Item: { imageKey: batchEntryKey(BATCH, 'a.jpg'), status: 'failed', key: 'a.jpg' }, ConditionExpression: 'attribute_not_exists(imageKey)' });
    expect(count?.Update).toEqual({
      TableName: TABLE,
      Key: { imageKey: batchKey(BATCH) },
      UpdateExpression: 'ADD #status :one, finished :one',
      ConditionExpression: 'attribute_exists(imageKey)',
      ExpressionAttributeNames: { '#status': 'failed' },
      ExpressionAttributeValues: { ':one': 1 },
    });
    // Nothing was written outside the transaction.
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('a duplicate delivery of a done image counts nothing: the entry exists, so the transaction is cancelled and nothing else is written', async () => {
    ddbMock.on(GetCommand, { Key: { imageKey: 'a.jpg' } }).resolves({ Item: { imageKey: 'a.jpg', status: 'done', etag: 'e1', renditions: [], bytes: 1 } });
    ddbMock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await handler()(event('a.jpg'))).toEqual({ batchItemFailures: [] });
    const [only] = transactions();
    expect(only?.map((action) => Object.keys(action)[0])).toEqual(['Put', 'Update']);
    expect(only?.[0]?.Put?.ConditionExpression).toBe('attribute_not_exists(imageKey)');
    expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('an image its batch counted before (dead-lettered, then redriven) still gets its item written, once, and counts nothing more', async () => {
    ddbMock.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    ddbMock.on(PutCommand).resolves({});
    expect(await handler()(event('a.jpg'))).toEqual({ batchItemFailures: [] });
    expect(transactions()).toHaveLength(1);
    const puts = ddbMock.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ TableName: TABLE, Item: { imageKey: 'a.jpg', status: 'failed', etag: 'e1' } });
    expect(puts[0]?.ConditionExpression).toMatch(/^attribute_not_exists\(imageKey\)/);
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('a transaction cancelled by a conflict on the batch record is sent again at once, not left to SQS', async () => {
    ddbMock.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'None', 'TransactionConflict')).resolves({});
    expect(await handler()(event('a.jpg'))).toEqual({ batchItemFailures: [] });
    expect(transactions()).toHaveLength(2);
    expect(transactions()[1]).toEqual(transactions()[0]);
  });

  it('a message failing on its last allowed receive is counted deadLettered and still fails', async () => {
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }));
    ddbMock.on(TransactWriteCommand).resolves({});
    expect(await handler()(event('a.jpg', 4))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-a.jpg' }] });
    expect(transactions()).toHaveLength(0);
    expect(await handler()(event('a.jpg', 5))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-a.jpg' }] });
    const [only] = transactions();
    expect(only).toHaveLength(2);
    expect(only?.[0]?.Put?.Item).toMatchObject({ imageKey: batchEntryKey(BATCH, 'a.jpg'), status: 'deadLettered' });
    expect(only?.[1]?.Update?.ExpressionAttributeNames).toEqual({ '#status': 'deadLettered' });
  });

  it('completion fires once when two deliveries finish together: one conditional completedAt holds, one POST', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    ddbMock.on(GetCommand, { Key: { imageKey: batchKey(BATCH) } }).resolves({ Item: { imageKey: batchKey(BATCH), batch: BATCH, stack: 'st', startedAt: 't', expected: 2, finished: 2, done: 0, failed: 2 } });
    ddbMock.on(QueryCommand).resolves({ Items: [{ key: 'a.jpg', status: 'failed' }, { key: 'b.jpg', status: 'failed' }] });
    s3Mock.on(PutObjectCommand).resolves({});
    ddbMock.on(UpdateCommand).resolvesOnce({}).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    const h = handler();
    await Promise.all([h(event('a.jpg')), h(event('b.jpg'))]);
    const completions = ddbMock.commandCalls(UpdateCommand).filter((call) => call.args[0].input.UpdateExpression?.startsWith('SET completedAt'));
    expect(completions).toHaveLength(2);
    expect(completions[0]?.args[0].input.ConditionExpression).toBe('attribute_exists(imageKey) AND attribute_not_exists(completedAt)');
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0] ?? '{}')).toMatchObject({ batch: BATCH, expected: 2, failed: 2, report: { csv: `reports/${BATCH}.csv` } });
  });
});
