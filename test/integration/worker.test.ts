import { createHash } from 'node:crypto';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRenditions } from '../../lambda/config.js';
import { createHandler } from '../../lambda/handler.js';
import { silentLogger } from '../../lambda/log.js';
import { LOCAL_CREDENTIALS, startEmulators } from '../../src/local/emulators.js';
import type { RunningEmulators } from '../../src/local/emulators.js';
import { photo } from '../helpers/photos.js';
import { startLocalWorker } from '../../src/local/worker.js';
import type { BatchSummary, SqsEvent, SqsEventRecord } from '../../src/local/worker.js';

let emulators: RunningEmulators;
let sqs: SQSClient;
let queues = 0;

beforeAll(async () => {
  emulators = await startEmulators();
  const { sqs: endpoint, region } = emulators.endpoints;
  sqs = new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  sqs?.destroy();
  await emulators?.stop();
});

/** A queue with a 1 s visibility timeout redriving to a DLQ after `maxReceiveCount` receives. */
async function queuePair(maxReceiveCount = 2) {
  const name = `work-${++queues}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = await attribute(dlq.QueueUrl!, 'QueueArn');
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }) },
    }),
  );
  return { queueUrl: queue.QueueUrl!, dlqUrl: dlq.QueueUrl!, queueArn: await attribute(queue.QueueUrl!, 'QueueArn') };
}

async function attribute(queueUrl: string, name: 'QueueArn' | 'ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible') {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [name] }));
  return Attributes?.[name] ?? '';
}

async function send(queueUrl: string, bodies: string[]) {
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body }));
    const { Failed } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    expect(Failed ?? []).toEqual([]);
  }
}

async function until(condition: () => boolean | Promise<boolean>, explain: () => unknown, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(explain())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('local worker', () => {
  it('delivers Lambda-shaped SQS events in batches of at most 10 and deletes the successes', async () => {
    const { queueUrl, queueArn } = await queuePair();
    const bodies = Array.from({ length: 23 }, (_, i) => JSON.stringify({ n: i }));
    await send(queueUrl, bodies);
    const seen: SqsEventRecord[] = [];
    const batches: BatchSummary[] = [];
    const worker = startLocalWorker({
      sqs,
      queueUrl,
      waitTimeSeconds: 1,
      handler: async (event: SqsEvent) => {
        seen.push(...event.Records);
        return { batchItemFailures: [] };
      },
      onBatch: (summary) => batches.push(summary),
    });
    await until(() => seen.length >= bodies.length, () => ({ seen: seen.length, batches }));
    await worker.stop();

    expect(seen.map((r) => r.body).sort()).toEqual([...bodies].sort());
    expect(Math.max(...batches.map((b) => b.received))).toBeLessThanOrEqual(10);
    expect(batches.reduce((n, b) => n + b.succeeded, 0)).toBe(bodies.length);
    const record = seen[0]!;
    expect(record).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: queueArn, awsRegion: emulators.endpoints.region });
    expect(record.attributes).toMatchObject({ ApproximateReceiveCount: '1', SentTimestamp: expect.stringMatching(/^\d+$/) });
    expect(record.md5OfBody).toBe(createHash('md5').update(record.body).digest('hex'));
    expect(record.receiptHandle).not.toBe('');
    expect(await attribute(queueUrl, 'ApproximateNumberOfMessages')).toBe('0');
    expect(await attribute(queueUrl, 'ApproximateNumberOfMessagesNotVisible')).toBe('0');
  });

  it('leaves a failed message until its visibility timeout ends, then the queue redrives it to the DLQ', async () => {
    const { queueUrl, dlqUrl } = await queuePair(2);
    await send(queueUrl, ['good', 'bad']);
    const receives: Array<{ body: string; at: number; count: string | undefined }> = [];
    const errors: string[] = [];
    const worker = startLocalWorker({
      sqs,
      queueUrl,
      waitTimeSeconds: 1,
      onError: (err) => errors.push(String(err)),
      handler: async (event) => {
        for (const r of event.Records) receives.push({ body: r.body, at: Date.now(), count: r.attributes.ApproximateReceiveCount });
        return { batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    await until(async () => (await attribute(dlqUrl, 'ApproximateNumberOfMessages')) === '1', () => ({ receives, errors }));
    await worker.stop();

    const bad = receives.filter((r) => r.body === 'bad');
    expect(receives.filter((r) => r.body === 'good')).toHaveLength(1);
    expect(bad.map((r) => r.count)).toEqual(['1', '2']);
    // Not before the 1 s visibility timeout (a little slack for timer granularity).
    expect(bad[1]!.at - bad[0]!.at).toBeGreaterThanOrEqual(900);
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0 }));
    expect(Messages?.map((m) => m.Body)).toEqual(['bad']);
    expect(await attribute(queueUrl, 'ApproximateNumberOfMessages')).toBe('0');
  });

  it('fails the whole batch when the handler throws or names a message not in the batch', async () => {
    const { queueUrl } = await queuePair(5);
    await send(queueUrl, ['a', 'b']);
    let calls = 0;
    const batches: BatchSummary[] = [];
    const worker = startLocalWorker({
      sqs,
      queueUrl,
      batchSize: 10,
      waitTimeSeconds: 1,
      handler: async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
        return { batchItemFailures: [] };
      },
      onBatch: (summary) => batches.push(summary),
    });
    await until(() => batches.reduce((n, b) => n + b.succeeded, 0) >= 2, () => batches);
    await worker.stop();
    expect(batches[0]).toMatchObject({ failed: batches[0]!.received, succeeded: 0, error: 'boom' });
    expect(batches[1]).toMatchObject({ succeeded: 0, error: expect.stringMatching(/invalid batchItemFailures/) });
    expect(calls).toBeGreaterThanOrEqual(3);
  });

  it('stops promptly in the middle of a long poll, also through an AbortSignal', async () => {
    const { queueUrl } = await queuePair();
    const worker = startLocalWorker({ sqs, queueUrl, waitTimeSeconds: 20, handler: async () => ({ batchItemFailures: [] }) });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await worker.stop();
    expect(Date.now() - started).toBeLessThan(1000);

    const controller = new AbortController();
    const second = startLocalWorker({ sqs, queueUrl, waitTimeSeconds: 20, signal: controller.signal, handler: async () => ({ batchItemFailures: [] }) });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await second.done;
  });

  it('runs the real handler: queued uploads become items, the corrupt one failed, the queue drained', async () => {
    const { s3: s3Endpoint, dynamodb, region } = emulators.endpoints;
    const s3 = new S3Client({ endpoint: s3Endpoint, region, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodb, region, credentials: LOCAL_CREDENTIALS }));
    await s3.send(new CreateBucketCommand({ Bucket: 'originals' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'thumbnails' }));
    await ddb.send(
      new CreateTableCommand({
        TableName: 'images',
        AttributeDefinitions: [{ AttributeName: 'imageKey', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const uploads: Record<string, Buffer> = {
      'e2e/home.jpg': photo('skimage_rocket.jpg'),
      'e2e/broken.jpg': Buffer.from('nope'),
    };
    const messages = await Promise.all(
      Object.entries(uploads).map(async ([key, body]) => {
        const { ETag } = await s3.send(new PutObjectCommand({ Bucket: 'originals', Key: key, Body: body }));
        return JSON.stringify({ v: 1, bucket: 'originals', key, etag: ETag, size: body.length, contentType: 'image/jpeg' });
      }),
    );
    const { queueUrl } = await queuePair();
    await send(queueUrl, messages);
    const config = { thumbnailsBucket: 'thumbnails', table: 'images', renditions: parseRenditions('webp:64'), quality: 80, maxPixels: 1e8, maxBytes: 1e7, concurrency: 2 };
    const batches: BatchSummary[] = [];
    const worker = startLocalWorker({
      sqs,
      queueUrl,
      waitTimeSeconds: 1,
      handler: createHandler({ s3, ddb, config, log: silentLogger }),
      onBatch: (b) => batches.push(b),
    });
    await until(() => batches.reduce((n, b) => n + b.succeeded, 0) >= 2, () => batches);
    await worker.stop();
    const items = (await ddb.send(new ScanCommand({ TableName: 'images' }))).Items ?? [];
    expect(Object.fromEntries(items.map((i) => [i.imageKey, i.status]))).toEqual({ 'e2e/home.jpg': 'done', 'e2e/broken.jpg': 'failed' });
    expect(await attribute(queueUrl, 'ApproximateNumberOfMessages')).toBe('0');
    s3.destroy();
    ddb.destroy();
  });
});
