import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchEntryKey, batchFeed, batchKey, type BatchRecord } from '../../../lambda/contract.js';
import type { Context } from '../../../src/context.js';
import { followReprocess } from '../../../src/reprocess/follow-reprocess.js';
import { mockAwsContext } from '../../helpers/mock-context.js';

const TABLE = 'thumbs-default-images';
const BATCH = '5d2c9a34-1b7e-4c0e-9f55-2f1e0c6b7a10';
const KEYS = ['a.jpg', 'b.jpg', 'c.jpg'];
const SETTINGS = 'abcdef0123456789';

let ctx: Context;
let ddb: ReturnType<typeof mockClient>;
beforeEach(async () => {
  ({ ctx } = await mockAwsContext());
  ddb = mockClient(ctx.clients.doc);
});

const record = (counts: Partial<BatchRecord> = {}): BatchRecord => ({
  imageKey: batchKey(BATCH), batch: BATCH, stack: 'default', source: 'reprocess', startedAt: '2026-12-08T01:00:00.000Z',
  feed: '#thumbs/batches', feedAt: `2026-12-08T01:00:00.000Z#${BATCH}`, expected: KEYS.length, done: 0, failed: 0, deadLettered: 0, finished: 0, ...counts,
});
const options = { table: TABLE, deadLetterUrl: undefined, expected: new Map(KEYS.map((key) => [key, { etag: `e-${key}`, previous: 'old' }])), settings: SETTINGS, timeoutSeconds: 30, pollMs: 1 };

describe('reprocess --wait follows the batch record', () => {
  it('ends with the batch, its dead-lettered image named, and reads the done items once for their settings', async () => {
    ddb.on(GetCommand)
      .resolvesOnce({ Item: record({ done: 1, finished: 1 }) })
      .resolves({ Item: record({ done: 2, deadLettered: 1, finished: 3, completedAt: '2026-12-08T01:00:05.000Z' }) });
    const entry = (key: string, status: 'done' | 'deadLettered') => ({
      imageKey: batchEntryKey(BATCH, key), batch: BATCH, key, status, renditions: 3, bytes: 1, durationMs: 1, feed: batchFeed(BATCH), feedAt: key,
      ...(status === 'deadLettered' ? { error: 'AccessDenied on the thumbnails bucket' } : {}),
    });
    ddb.on(QueryCommand).resolves({ Items: [entry('a.jpg', 'done'), entry('b.jpg', 'done'), entry('c.jpg', 'deadLettered')] });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ imageKey: 'a.jpg', settings: SETTINGS }, { imageKey: 'b.jpg', settings: 'other' }] } });

    const wait = await followReprocess(ctx, BATCH, options);

    expect(wait).toMatchObject({ via: 'batch', batchReads: 2, done: ['a.jpg', 'b.jpg'], failed: [], missing: [], otherSettings: ['b.jpg'] });
    expect(wait.deadLettered).toEqual([{ key: 'c.jpg', reason: 'AccessDenied on the thumbnails bucket' }]);
    const batchGets = ddb.commandCalls(BatchGetCommand);
    expect(batchGets).toHaveLength(1);
    expect(batchGets[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([{ imageKey: 'a.jpg' }, { imageKey: 'b.jpg' }]);
  });

  it('reads each image when new outcomes appear that the batch never counts', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: KEYS.map((key) => ({ imageKey: key, etag: `e-${key}`, status: 'done', processedAt: 'new', settings: SETTINGS })) } });
    const wait = await followReprocess(ctx, BATCH, options);
    expect(wait).toMatchObject({ via: 'items', missing: [], otherSettings: [] });
    expect(wait.done.sort()).toEqual(KEYS);
    expect(wait.fallback).toMatch(/did not count/);
  });

  it('keeps following while the items hold only their earlier outcome', async () => {
    ddb.on(GetCommand).resolves({ Item: record() });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: KEYS.map((key) => ({ imageKey: key, etag: `e-${key}`, status: 'done', processedAt: 'old' })) } });
    const wait = await followReprocess(ctx, BATCH, { ...options, timeoutSeconds: 0.3 });
    expect(wait).toMatchObject({ via: 'items', done: [], missing: KEYS });
    expect(wait.fallback).toMatch(/wait timeout/);
  });
});
