import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { RUN_ATTRIBUTE } from '../../../lambda/contract.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCHES_IN_FLIGHT, MessagePipeline, messageBody, sendBatch, type ImageMessage } from '../../../src/upload/send-messages.js';

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
    expect(entriesOf(0)[0]?.MessageAttributes).toBeUndefined();
    await sendBatch(sqs, queueUrl, [message(0)], { wait: noWait, runId: 'run-7' });
    expect(entriesOf(1)[0]?.MessageAttributes).toEqual({ [RUN_ATTRIBUTE]: { DataType: 'String', StringValue: 'run-7' } });
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
  const out = (i: number) => ({ message: message(i), path: `dir/k${i}.jpg` });

  it('journals each batch as intended before sending it and as accepted after, full batches at once', async () => {
    const events: string[] = [];
    const pipeline = new MessagePipeline(
      async (batch) => {
        events.push(`send ${batch.length}`);
        return { sent: batch, failed: [], resent: 0 };
      },
      {
        intend: async (id, entries) => void events.push(`intend ${id} ${entries.length}`),
        accepted: async (id, entries) => void events.push(`accepted ${id} ${entries.length}`),
      },
      'r1',
    );
    for (let i = 0; i < 10; i += 1) await pipeline.add(out(i));
    for (let i = 10; i < 23; i += 1) await pipeline.add(out(i));
    const result = await pipeline.close();
    expect(result).toEqual({ sent: 23, resent: 0, failed: [], unrecorded: [] });
    for (const [id, size] of [['r1:1', 10], ['r1:2', 10], ['r1:3', 3]] as const) {
      expect(events.indexOf(`intend ${id} ${size}`)).toBeGreaterThanOrEqual(0);
      expect(events.indexOf(`intend ${id} ${size}`)).toBeLessThan(events.indexOf(`accepted ${id} ${size}`));
    }
    expect(events.filter((e) => e.startsWith('send'))).toEqual(['send 10', 'send 10', 'send 3']);
  });

  it('makes add() wait while BATCHES_IN_FLIGHT batches are out, and names failed entries by path', async () => {
    let outstanding = 0;
    let peak = 0;
    const pipeline = new MessagePipeline(
      async (batch) => {
        outstanding += 1;
        peak = Math.max(peak, outstanding);
        await new Promise((resolve) => setTimeout(resolve, 1));
        outstanding -= 1;
        return { sent: batch.slice(1), failed: [{ key: batch[0]?.key ?? '', error: 'InternalError' }], resent: 1 };
      },
      { intend: async () => undefined, accepted: async () => undefined },
    );
    // Without waiting in add(), all 20 batches would be out at once.
    await Promise.all(Array.from({ length: 200 }, (_, i) => pipeline.add(out(i))));
    const result = await pipeline.close();
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(BATCHES_IN_FLIGHT);
    expect(result.sent).toBe(180);
    expect(result.resent).toBe(20);
    expect(result.failed).toHaveLength(20);
    expect(result.failed[0]).toEqual({ key: 'k0.jpg', error: 'InternalError', path: 'dir/k0.jpg' });
  });

  it('reports a journal that could not be written instead of crashing, and keeps sending', async () => {
    const full = async () => {
      throw new Error('ENOSPC: no space left on device');
    };
    const pipeline = new MessagePipeline(async (batch) => ({ sent: batch, failed: [], resent: 0 }), { intend: full, accepted: full });
    for (let i = 0; i < 15; i += 1) await pipeline.add(out(i));
    const result = await pipeline.close();
    expect(result.sent).toBe(15);
    expect(result.unrecorded).toEqual([
      '10 messages not journaled before sending (ENOSPC: no space left on device)',
      '10 messages (ENOSPC: no space left on device)',
      '5 messages not journaled before sending (ENOSPC: no space left on device)',
      '5 messages (ENOSPC: no space left on device)',
    ]);
  });
});
