import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { embeddedTarget } from '../../src/context.js';
import { sendBatch, type ImageMessage } from '../../src/upload/send-messages.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

type Fault = 'drop-answer' | 'drop-request' | 'throttle' | undefined;

/**
 * Stands between the SDK and the embedded SQS and spoils some SendMessageBatch requests: after
 * forwarding (the answer is lost, SQS has the messages), before forwarding (the connection breaks,
 * SQS has nothing), or with a throttling answer of its own (SQS has nothing, and says so).
 */
async function faultyProxy(upstream: string, faultOf: (sendNumber: number) => Fault): Promise<{ url: string; close(): void }> {
  let sends = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const isSend = String(request.headers['x-amz-target'] ?? '').endsWith('SendMessageBatch') || body.includes('Action=SendMessageBatch');
      const fault = isSend ? faultOf((sends += 1)) : undefined;
      if (fault === 'drop-request') return request.socket.destroy();
      if (fault === 'throttle') {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'throttled' });
        return response.end(JSON.stringify({ __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Request is throttled.' }));
      }
      const forward = http.request(new URL(request.url ?? '/', upstream), { method: request.method, headers: request.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => {
          if (fault === 'drop-answer') return request.socket.destroy();
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          response.end(Buffer.concat(parts));
        });
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

let harness: EmbeddedHarness;
beforeAll(async () => {
  harness = await startEmbedded();
});
afterAll(() => harness.stop());

const message = (i: number): ImageMessage => ({ v: 1, bucket: 'b', key: `photo-${i}.jpg`, etag: `e${i}`, size: i, contentType: 'image/jpeg' });
const IMAGES = 200;

/** Sends IMAGES messages through the proxy, 10 per batch; what thumbs reported, and what the queue holds (read with the SDK). */
async function sendThrough(queue: string, faultOf: (sendNumber: number) => Fault) {
  const sqs = harness.ctx.clients.sqs;
  const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: queue }));
  const proxy = await faultyProxy(harness.emulators.endpoints.sqs, faultOf);
  const clients = createClients(embeddedTarget({ ...harness.emulators.endpoints, sqs: proxy.url }), { region: harness.ctx.clients.region });
  let sent = 0;
  let reported = 0;
  try {
    for (let start = 0; start < IMAGES; start += 10) {
      const batch = Array.from({ length: 10 }, (_, i) => message(start + i));
      const outcome = await sendBatch(clients.sqs, QueueUrl, batch, { wait: async () => undefined });
      expect(outcome.failed).toEqual([]);
      sent += outcome.sent.length;
      reported += outcome.resent;
    }
  } finally {
    clients.destroy();
    proxy.close();
  }
  let held = 0;
  for (let empty = 0; empty < 2;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600, WaitTimeSeconds: 0 }));
    held += Messages.length;
    empty = Messages.length === 0 ? empty + 1 : 0;
  }
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  return { sent, reported, duplicates: held - IMAGES };
}

describe('duplicates after lost answers are counted honestly', () => {
  it('answers lost after SQS took the batch: the reported count is exactly the copies the queue holds twice', async () => {
    const result = await sendThrough('lost-answers', (n) => (n % 5 === 0 ? 'drop-answer' : undefined));
    expect(result.sent).toBe(IMAGES);
    expect(result.duplicates).toBeGreaterThan(0);
    expect(result.reported).toBe(result.duplicates);
  });

  it('throttled attempts were never carried out: retried, and not reported as duplicates', async () => {
    const result = await sendThrough('throttled', (n) => (n % 3 === 0 ? 'throttle' : undefined));
    expect(result).toEqual({ sent: IMAGES, reported: 0, duplicates: 0 });
  });

  it('a connection broken before SQS saw the request cannot be told from a lost answer: the report stays an upper bound', async () => {
    const result = await sendThrough('dropped-requests', (n) => (n % 4 === 0 ? 'drop-request' : n % 7 === 0 ? 'drop-answer' : undefined));
    expect(result.sent).toBe(IMAGES);
    expect(result.duplicates).toBeGreaterThan(0);
    expect(result.reported).toBeGreaterThanOrEqual(result.duplicates);
  });
});
