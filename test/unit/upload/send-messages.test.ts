import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessagePipeline, messageBody, sendBatch, type ImageMessage } from '../../../src/upload/send-messages.js';

const sqsMock = mockClient(SQSClient);
const sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/thumbs-default-jobs';
const noWait = async () => undefined;
const message = (i: number): ImageMessage => ({ v: 1, bucket: 'b', key: `k${i}.jpg`, etag: `e${i}`, size: i, contentType: 'image/jpeg' });
const entriesOf = (call: number) => (sqsMock.commandCalls(SendMessageBatchCommand)[call]?.args[0].input.Entries ?? []);

describe('sendBatch', () => {
  beforeEach(() => sqsMock.reset());
  afterEach(() => sqsMock.reset());

  it('sends the exact body with ids unique in the batch and valid for SQS', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: Array<{ Id: string }> }) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id })) }));
    const batch = Array.from({ length: 10 }, (_, i) => message(i));
    const outcome = await sendBatch(sqs, queueUrl, batch, { wait: noWait });
    expect(outcome.sent).toHaveLength(10);
    const ids = entriesOf(0).map((e) => e.Id ?? '');
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(JSON.parse(entriesOf(0)[3]?.MessageBody ?? '')).toEqual({ v: 1, bucket: 'b', key: 'k3.jpg', etag: 'e3', size: 3, contentType: 'image/jpeg' });
    expect(messageBody(message(1))).toBe('{"v":1,"bucket":"b","key":"k1.jpg","etag":"e1","size":1,"contentType":"image/jpeg"}');
  });

  it('resends exactly the entry reported in Failed', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [{ Id: 'm0', MessageId: '1', MD5OfMessageBody: '' }, { Id: 'm2', MessageId: '3', MD5OfMessageBody: '' }], Failed: [{ Id: 'm1', SenderFault: false, Code: 'InternalError' }] })
      .resolvesOnce({ Successful: [{ Id: 'm1', MessageId: '2', MD5OfMessageBody: '' }] });
    const outcome = await sendBatch(sqs, queueUrl, [message(0), message(1), message(2)], { wait: noWait });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 2);
    expect(entriesOf(1)).toEqual([{ Id: 'm1', MessageBody: messageBody(message(1)) }]);
    expect(outcome.sent.map((m) => m.key).sort()).toEqual(['k0.jpg', 'k1.jpg', 'k2.jpg']);
    expect(outcome.failed).toEqual([]);
  });

  it('reports SenderFault entries by key without resending, and gives up after maxAttempts', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: 'm0', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad' }, { Id: 'm1', SenderFault: false, Code: 'InternalError' }],
    });
    const outcome = await sendBatch(sqs, queueUrl, [message(0), message(1)], { wait: noWait, maxAttempts: 3 });
    expect(sqsMock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
    expect(outcome.failed).toEqual([
      { key: 'k0.jpg', error: 'InvalidMessageContents: bad' },
      { key: 'k1.jpg', error: expect.stringContaining('InternalError') },
    ]);
  });
});

describe('MessagePipeline', () => {
  it('sends a batch as soon as 10 messages are in, and the rest on close', async () => {
    const batches: number[] = [];
    const journaled: string[] = [];
    const pipeline = new MessagePipeline(
      async (batch) => {
        batches.push(batch.length);
        return { sent: batch, failed: [] };
      },
      async (sent) => {
        journaled.push(...sent.map((m) => m.key));
      },
    );
    for (let i = 0; i < 10; i += 1) pipeline.add(message(i));
    await Promise.resolve();
    expect(batches).toEqual([10]);
    for (let i = 10; i < 23; i += 1) pipeline.add(message(i));
    const result = await pipeline.close();
    expect(batches).toEqual([10, 10, 3]);
    expect(result).toEqual({ sent: 23, failed: [], unrecorded: [] });
    expect(journaled).toHaveLength(23);
  });

  it('reports a journal that could not be written instead of crashing, and keeps sending', async () => {
    const pipeline = new MessagePipeline(
      async (batch) => ({ sent: batch, failed: [] }),
      async () => {
        throw new Error('ENOSPC: no space left on device');
      },
    );
    for (let i = 0; i < 15; i += 1) pipeline.add(message(i));
    const result = await pipeline.close();
    expect(result.sent).toBe(15);
    expect(result.unrecorded).toEqual(['10 messages (ENOSPC: no space left on device)', '5 messages (ENOSPC: no space left on device)']);
  });
});
