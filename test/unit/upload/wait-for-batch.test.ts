import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchEntryKey, batchFeed, batchKey, type BatchRecord } from '../../../lambda/contract.js';
import type { Context } from '../../../src/context.js';
import { STALL_POLLS } from '../../../src/batches/follow-batch.js';
import type { MemoryReporter } from '../../../src/output/reporter.js';
import { waitForBatch } from '../../../src/upload/wait-for-batch.js';
import { mockAwsContext } from '../../helpers/mock-context.js';

const TABLE = 'thumbs-default-images';
const BATCH = '0b6c3c1e-6f0e-4a47-9d7b-8f0d2a3e1c55';

let ctx: Context;
let reporter: MemoryReporter;
let ddb: ReturnType<typeof mockClient>;

beforeEach(async () => {
  ({ ctx, reporter } = await mockAwsContext());
  ddb = mockClient(ctx.clients.doc);
});

const keysOf = (n: number) => Array.from({ length: n }, (_, i) => `photo-${String(i).padStart(5, '0')}.jpg`);
const expectedOf = (keys: string[]) => new Map(keys.map((key) => [key, `etag-${key}`]));
const record = (expected: number, counts: Partial<BatchRecord> = {}): BatchRecord => ({
  imageKey: batchKey(BATCH), batch: BATCH, stack: 'default', source: 'upload', startedAt: '2026-12-08T01:00:00.000Z',
  feed: '#thumbs/batches', feedAt: `2026-12-08T01:00:00.000Z#${BATCH}`, expected, done: 0, failed: 0, deadLettered: 0, finished: 0, ...counts,
});
const entry = (key: string, status: 'done' | 'failed') => ({
  imageKey: batchEntryKey(BATCH, key), batch: BATCH, key, status, renditions: status === 'done' ? 3 : 0, bytes: 10, durationMs: 5,
  feed: batchFeed(BATCH), feedAt: key, ...(status === 'failed' ? { error: 'truncated image' } : {}),
});
const options = (keys: string[], more: { timeoutSeconds?: number } = {}) => ({
  table: TABLE, deadLetterUrl: undefined, expected: expectedOf(keys), timeoutSeconds: more.timeoutSeconds ?? 30, pollMs: 1,
});

describe('upload --wait follows the batch record', () => {
  it.each([7, 5000])('reads the batch once per poll and no image key while it counts (%i images)', async (n) => {
    const keys = keysOf(n);
    const failed = new Set(keys.slice(0, 2));
    ddb.on(GetCommand)
      .resolvesOnce({ Item: record(n) })
      .resolvesOnce({ Item: record(n, { done: 1, finished: 1 }) })
      .resolvesOnce({ Item: record(n, { done: n - 3, failed: 1, finished: n - 2 }) })
      .resolves({ Item: record(n, { done: n - 2, failed: 2, finished: n, completedAt: '2026-12-08T01:00:09.000Z' }) });
    ddb.on(QueryCommand).resolves({ Items: keys.map((key) => entry(key, failed.has(key) ? 'failed' : 'done')) });

    const result = await waitForBatch(ctx, BATCH, options(keys));

    const reads = ddb.commandCalls(GetCommand);
    expect(reads).toHaveLength(4);
    expect(reads.map((call) => call.args[0].input)).toEqual(Array(4).fill({ TableName: TABLE, Key: { imageKey: batchKey(BATCH) }, ConsistentRead: true }));
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
    // The entries are read once, at the end, to name the failed images.
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(result).toMatchObject({ via: 'batch', batchReads: 4, missing: [], deadLettered: [] });
    expect(result.fallback).toBeUndefined();
    expect(result.done).toHaveLength(n - 2);
    expect(result.failed).toEqual([...failed].map((key) => ({ key, error: 'truncated image' })));
    expect(result.batch).toMatchObject({ id: BATCH, expected: n, done: n - 2, failed: 2, complete: true, durationSeconds: 9 });
    expect(reporter.texts('warn')).toEqual(expect.arrayContaining([`batch ${BATCH}: ${n - 3} done, 1 failed, 0 dead-lettered of ${n} so far`]));
    expect(reporter.texts('progress')).toEqual([`processing batch ${BATCH.slice(0, 8)} (${n})`]);
  });

  it('falls back to reading each image when images finish that the batch never counts', async () => {
    const keys = keysOf(3);
    ddb.on(GetCommand).resolves({ Item: record(3) });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: keys.map((key) => ({ imageKey: key, etag: `etag-${key}`, status: 'done' })) } });

    const result = await waitForBatch(ctx, BATCH, options(keys));

    expect(result.via).toBe('items');
    expect(result.fallback).toMatch(/did not count/);
    expect(result.done.sort()).toEqual(keys);
    expect(result.missing).toEqual([]);
    expect(result.batch).toMatchObject({ id: BATCH, expected: 3, done: 0, complete: false });
    // The batch was read until it had not moved for STALL_POLLS reads, then once more after the sample.
    expect(ddb.commandCalls(GetCommand)).toHaveLength(STALL_POLLS + 2);
    expect(reporter.texts('info')).toEqual([expect.stringMatching(/^reading each image: images were finished or dead-lettered that the batch .* did not count/)]);
  });

  it('keeps following a batch that is slow rather than uncounted, and on timeout names the missing keys', async () => {
    const keys = keysOf(3);
    ddb.on(GetCommand).resolves({ Item: record(3, { done: 2, finished: 2 }) });
    const items = keys.slice(0, 2).map((key) => ({ imageKey: key, etag: `etag-${key}`, status: 'done' }));
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: items } });

    const result = await waitForBatch(ctx, BATCH, options(keys, { timeoutSeconds: 0.3 }));

    expect(result.via).toBe('items');
    expect(result.fallback).toMatch(/not complete within the wait timeout/);
    expect(result.missing).toEqual([keys[2]]);
    expect(result.diagnosis?.cause).toBe('slow');
    expect(ddb.commandCalls(GetCommand).length).toBeGreaterThan(STALL_POLLS + 1);
  });

  it('falls back to reading each image when the dead-letter queue holds more than the batch counted', async () => {
    const keys = keysOf(2);
    const deadLetterUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/thumbs-default-jobs-dlq';
    const sqs = mockClient(ctx.clients.sqs);
    // Empty when the wait begins; then one message that no count accounts for.
    sqs.on(GetQueueAttributesCommand)
      .resolvesOnce({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } })
      .resolves({ Attributes: { ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0' } });
    sqs.on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: JSON.stringify({ v: 1, bucket: 'b', key: keys[1], etag: `etag-${keys[1]}`, size: 1, contentType: 'image/jpeg' }) }] })
      .resolves({ Messages: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: record(2, { done: 1, finished: 1 }) });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ imageKey: keys[0], etag: `etag-${keys[0]}`, status: 'done' }] } });

    const result = await waitForBatch(ctx, BATCH, { ...options(keys), deadLetterUrl });

    expect(result).toMatchObject({ via: 'items', done: [keys[0]], deadLettered: [{ key: keys[1] }], missing: [] });
    expect(result.fallback).toMatch(/dead-lettered that the batch .* did not count/);
  });

  it('on Ctrl-C stops following and reads each image once to tell what is known', async () => {
    const keys = keysOf(2);
    const stop = new AbortController();
    ddb.on(GetCommand).callsFake(() => {
      stop.abort();
      return { Item: record(2, { done: 1, finished: 1 }) };
    });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ imageKey: keys[0], etag: `etag-${keys[0]}`, status: 'done' }] } });
    const result = await waitForBatch(ctx, BATCH, { ...options(keys), signal: stop.signal });
    expect(result).toMatchObject({ via: 'items', interrupted: true, done: [keys[0]], missing: [keys[1]], batchReads: 1 });
    expect(result.fallback).toMatch(/interrupted/);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
  });

  it('reads each image when the run has no batch', async () => {
    const keys = keysOf(2);
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: keys.map((key) => ({ imageKey: key, etag: `etag-${key}`, status: 'failed', error: 'bad' })) } });
    const result = await waitForBatch(ctx, undefined, options(keys));
    expect(result).toMatchObject({ via: 'items', failed: keys.map((key) => ({ key, error: 'bad' })) });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});
