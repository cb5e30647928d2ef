import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RUN_ATTRIBUTE } from '../../../lambda/contract.js';
import { CallLog } from '../../../src/aws/call-log.js';
import { createClients, type Clients } from '../../../src/aws/clients.js';
import { endpointTarget } from '../../../src/aws/target.js';
import { Sha256, SIGNING_CREDENTIALS } from '../../helpers/sigv4.js';
import { sendBatch, type ImageMessage } from '../../../src/upload/send-messages.js';

const CREDENTIALS = SIGNING_CREDENTIALS;
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

interface Entry {
  Id: string;
  MessageBody: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
}

interface Received {
  direct: boolean;
  target: string;
  signatureValid: boolean;
  entries: Entry[];
}

interface Behaviour {
  /** The answer's status for the n-th direct request (1-based); 200 by default. */
  directStatus?: (n: number) => number;
  /** Entries refused, and whether by the sender's fault. */
  refuse?: (entry: Entry, attempt: number) => { senderFault: boolean } | undefined;
  /** The n-th direct request's answer carries a wrong MD5OfMessageBody. */
  wrongMd5?: (n: number) => boolean;
  /** The connection of the n-th direct request breaks after SQS took its entries (a lost answer). */
  resetDirect?: (n: number) => boolean;
}

/**
 * A stand-in SQS speaking the JSON protocol: it checks the SigV4 signature (recomputed from the
 * request as received, with the secret) and the X-Amz-Target, keeps what it accepted, and answers
 * with Successful and Failed entries as SQS does. A request answered 500 is kept too (a 5xx may
 * have been carried out).
 */
function fakeSqs(behaviour: Behaviour = {}) {
  const received: Received[] = [];
  const queued: Entry[] = [];
  const verifier = new SignatureV4({ credentials: CREDENTIALS, region: 'us-east-1', service: 'sqs', sha256: Sha256 });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const authorization = String(request.headers.authorization ?? '');
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      const amzDate = String(request.headers['x-amz-date'] ?? '');
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name] ?? '')]));
      const url = new URL(request.url ?? '/', 'http://x');
      const resigned = await verifier.sign({ method: request.method ?? '', protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query: {}, headers, body } as never, { signingDate });
      const target = String(request.headers['x-amz-target'] ?? '');
      const direct = !String(request.headers['user-agent'] ?? '').includes('aws-sdk');
      const { Entries = [] } = JSON.parse(body || '{}') as { Entries?: Entry[] };
      received.push({ direct, target, signatureValid: (resigned as unknown as { headers: Record<string, string> }).headers.authorization === authorization, entries: Entries });
      const directCount = received.filter((r) => r.direct).length;
      const attempt = received.length;
      const refused = Entries.map((entry) => [entry, behaviour.refuse?.(entry, attempt)] as const);
      for (const [entry, refusal] of refused) if (!refusal) queued.push(entry);
      if (direct && behaviour.resetDirect?.(directCount)) {
        request.socket.destroy();
        return;
      }
      const status = direct ? (behaviour.directStatus?.(directCount) ?? 200) : 200;
      if (status !== 200) {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'boom' }));
        return;
      }
      const wrong = direct && behaviour.wrongMd5?.(directCount);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'r' }).end(JSON.stringify({
        Successful: refused.filter(([, r]) => !r).map(([e]) => ({ Id: e.Id, MessageId: `id-${e.Id}`, MD5OfMessageBody: wrong ? md5('other') : md5(e.MessageBody) })),
        Failed: refused.filter(([, r]) => r).map(([e, r]) => ({ Id: e.Id, SenderFault: r!.senderFault, Code: r!.senderFault ? 'InvalidParameterValue' : 'InternalError', Message: 'refused' })),
      }));
    });
  });
  return { server, received, queued };
}

let fake: ReturnType<typeof fakeSqs>;
let clients: Clients;
let callLog: CallLog;
let queueUrl: string;

async function start(behaviour: Behaviour = {}): Promise<void> {
  fake = fakeSqs(behaviour);
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  queueUrl = `${endpoint}/000000000000/thumbs-test-jobs`;
  callLog = new CallLog();
  clients = createClients({ ...endpointTarget(endpoint, 'us-east-1', undefined), credentials: CREDENTIALS }, { region: 'us-east-1', callLog });
}

afterEach(async () => {
  clients.destroy();
  await new Promise((resolve) => fake.server.close(resolve));
  vi.restoreAllMocks();
});

const noWait = async () => undefined;
const message = (i: number): ImageMessage => ({ v: 1, bucket: 'b', key: `dir/k ${i} é.jpg`, etag: `e${i}`, size: i, contentType: 'image/jpeg' });
const batchOf = (from: number, count = 10) => Array.from({ length: count }, (_, i) => message(from + i));
const send = (batch: ImageMessage[], options: { maxAttempts?: number } = {}) =>
  sendBatch(clients.sqs, queueUrl, batch, { wait: noWait, runId: 'run-1', send: clients.sendMessageBatch, ...options });

describe('the direct SendMessageBatch', () => {
  it('sends a queue\'s first batch through the SDK and the others directly, signed as SQS verifies, each message once', async () => {
    await start();
    const sdkSend = vi.spyOn(SQSClient.prototype, 'send');
    for (let b = 0; b < 4; b += 1) {
      const outcome = await send(batchOf(b * 10));
      expect(outcome).toEqual({ sent: batchOf(b * 10), failed: [], resent: 0 });
    }
    expect(sdkSend).toHaveBeenCalledTimes(1);
    expect(fake.received.map((r) => r.direct)).toEqual([false, true, true, true]);
    expect(fake.received.map((r) => r.signatureValid)).toEqual([true, true, true, true]);
    expect(fake.received.map((r) => r.target)).toEqual(Array(4).fill('AmazonSQS.SendMessageBatch'));
    expect(fake.queued.map((e) => JSON.parse(e.MessageBody).key)).toEqual(batchOf(0, 40).map((m) => m.key));
    expect(fake.queued[25]?.MessageAttributes).toEqual({ [RUN_ATTRIBUTE]: { DataType: 'String', StringValue: 'run-1' } });
    expect(callLog.calls.filter((c) => c.command === 'SendMessageBatch')).toHaveLength(4);
  });

  it('resends the entries a direct answer lists as failed and reports a sender fault per entry', async () => {
    await start({ refuse: (entry, attempt) => (attempt === 2 && entry.Id === 'm3' ? { senderFault: false } : attempt >= 2 && entry.Id === 'm7' ? { senderFault: true } : undefined) });
    await send(batchOf(0));
    const outcome = await send(batchOf(10));
    expect(outcome.sent.map((m) => m.key).sort()).toEqual(batchOf(10).filter((_, i) => i !== 7).map((m) => m.key).sort());
    expect(outcome.failed).toEqual([{ key: message(17).key, error: 'InvalidParameterValue: refused' }]);
    expect(outcome.resent).toBe(0);
    // The retry carried only m3, and went directly too.
    expect(fake.received.slice(1).map((r) => [r.direct, r.entries.map((e) => e.Id)])).toEqual([[true, batchOf(10).map((_, i) => `m${i}`)], [true, ['m3']]]);
  });

  it('sends a batch answered 500 again through the SDK and counts its entries as possibly there twice', async () => {
    await start({ directStatus: (n) => (n === 1 ? 500 : 200) });
    const sdkSend = vi.spyOn(SQSClient.prototype, 'send');
    await send(batchOf(0));
    const outcome = await send(batchOf(10));
    expect(outcome.sent).toEqual(batchOf(10));
    expect(outcome.resent).toBe(10);
    expect(sdkSend).toHaveBeenCalledTimes(2);
    expect(fake.received.map((r) => r.direct)).toEqual([false, true, false]);
  });

  it('sends a batch whose answer was lost again through the SDK, counting its entries as possibly there twice', async () => {
    await start({ resetDirect: (n) => n === 1 });
    await send(batchOf(0));
    const outcome = await send(batchOf(10));
    expect(outcome).toEqual({ sent: batchOf(10), failed: [], resent: 10 });
    expect(fake.queued.filter((e) => JSON.parse(e.MessageBody).key === message(13).key)).toHaveLength(2);
  });

  it('sends a batch refused with a 4xx again through the SDK without counting it as arrived', async () => {
    await start({ directStatus: (n) => (n === 1 ? 403 : 200) });
    await send(batchOf(0));
    const outcome = await send(batchOf(10));
    expect(outcome).toEqual({ sent: batchOf(10), failed: [], resent: 0 });
    expect(fake.received.map((r) => r.direct)).toEqual([false, true, false]);
  });

  it('fails a batch whose answer carries a wrong MD5 of a body, as the SDK does', async () => {
    await start({ wrongMd5: (n) => n === 1 });
    await send(batchOf(0));
    const outcome = await send(batchOf(10, 2));
    expect(outcome.sent).toEqual([]);
    expect(outcome.failed.map((f) => f.error)).toEqual(Array(2).fill('Invalid MD5 checksum on messages: id-m0, id-m1'));
  });
});
