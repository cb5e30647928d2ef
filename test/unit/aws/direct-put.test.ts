import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallLog } from '../../../src/aws/call-log.js';
import { createClients, type Clients } from '../../../src/aws/clients.js';
import { encodeKeyPath, payloadNeedsSigning } from '../../../src/aws/direct-put.js';
import { endpointTarget } from '../../../src/aws/target.js';
import { Sha256, SIGNING_CREDENTIALS } from '../../helpers/sigv4.js';

const CREDENTIALS = SIGNING_CREDENTIALS;

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  signatureValid: boolean;
  status?: number;
}

/**
 * A stand-in S3 that checks what S3 checks: the SigV4 signature (recomputed from the request as
 * received, with the secret), Content-MD5 against the body, and the payload hash header. It stores
 * bodies by path, so a GetObject through the SDK reads back what was stored.
 */
function fakeS3(options: { failDirect?: (n: number) => boolean; damageDirect?: (n: number) => boolean; resetDirect?: (n: number) => boolean } = {}) {
  const received: Received[] = [];
  const stored = new Map<string, Buffer>();
  const verifier = new SignatureV4({ credentials: CREDENTIALS, region: 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      const isDirect = request.method === 'PUT' && !String(request.headers['user-agent'] ?? '').includes('aws-sdk');
      const directSoFar = received.filter((r) => (r.method === 'PUT' || r.method === 'RESET') && !String(r.headers['user-agent'] ?? '').includes('aws-sdk')).length;
      // A bit flipped in transit, after the client computed its Content-MD5.
      if (isDirect && options.damageDirect?.(directSoFar + 1) && body.length > 0) body[0] = body[0]! ^ 0x01;
      if (isDirect && options.resetDirect?.(directSoFar + 1)) {
        received.push({ method: 'RESET', path: request.url ?? '', headers: request.headers, body, signatureValid: false });
        request.socket.destroy();
        return;
      }
      const url = new URL(request.url ?? '/', 'http://x');
      const authorization = String(request.headers.authorization ?? '');
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
      const amzDate = String(request.headers['x-amz-date'] ?? '');
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name] ?? '')]));
      const resigned = await verifier.sign(
        { method: request.method ?? '', protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body } as never,
        { signingDate },
      );
      const signatureValid = (resigned as unknown as { headers: Record<string, string> }).headers.authorization === authorization;
      received.push({ method: request.method ?? '', path: url.pathname, headers: request.headers, body, signatureValid });
      if (request.method === 'GET') {
        const object = stored.get(url.pathname);
        response.writeHead(object ? 200 : 404, { 'x-amz-request-id': 'r' }).end(object);
        return;
      }
      const md5 = createHash('md5').update(body).digest('base64');
      const directCount = received.filter((r) => r.method === 'PUT' && !String(r.headers['user-agent'] ?? '').includes('aws-sdk')).length;
      if (request.headers['content-md5'] !== md5) {
        received.at(-1)!.status = 400;
        response.writeHead(400, { 'content-type': 'application/xml', 'x-amz-request-id': 'r' }).end('<Error><Code>BadDigest</Code><Message>The Content-MD5 you specified did not match what we received.</Message></Error>');
        return;
      }
      if (options.failDirect?.(directCount) && !String(request.headers['user-agent'] ?? '').includes('aws-sdk')) {
        response.writeHead(503, { 'content-type': 'application/xml', 'x-amz-request-id': 'r' }).end('<Error><Code>SlowDown</Code><Message>slow down</Message></Error>');
        return;
      }
      stored.set(url.pathname, body);
      response.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"`, 'x-amz-request-id': 'r' }).end();
    });
  });
  return { server, received, stored };
}

let fake: ReturnType<typeof fakeS3>;
let clients: Clients;
let callLog: CallLog;
let endpoint: string;

async function start(options: Parameters<typeof fakeS3>[0] = {}): Promise<void> {
  fake = fakeS3(options);
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  callLog = new CallLog();
  clients = createClients({ ...endpointTarget(endpoint, 'us-east-1', undefined), credentials: CREDENTIALS }, { region: 'us-east-1', callLog });
}

afterEach(async () => {
  clients.destroy();
  await new Promise((resolve) => fake.server.close(resolve));
  vi.restoreAllMocks();
});

const KEYS = ['plain.jpg', 'folder/sub folder/space name.jpg', "café (1) it's!*.jpg", 'a+b=c&d.jpg', '日本/写真.jpg'];
const bodyOf = (key: string) => Buffer.from(`content of ${key} `.repeat(50));

describe('the direct put', () => {
  it('sends a bucket\'s first object through the SDK and the others directly, each signed as S3 verifies and stored intact', async () => {
    await start();
    const send = vi.spyOn(S3Client.prototype, 'send');
    for (const key of KEYS) {
      const result = await clients.putSmallObject({ Bucket: 'photos', Key: key, Body: bodyOf(key), ContentType: 'image/jpeg' });
      expect(result.ETag).toBe(`"${createHash('md5').update(bodyOf(key)).digest('hex')}"`);
    }
    expect(send).toHaveBeenCalledTimes(1);
    expect(fake.received.filter((r) => r.method === 'PUT')).toHaveLength(KEYS.length);
    expect(fake.received.map((r) => r.signatureValid)).toEqual(KEYS.map(() => true));
    expect(fake.received.map((r) => r.path)).toEqual(KEYS.map((key) => `/photos/${encodeKeyPath(key)}`));
    // Read back through the SDK, which encodes keys its own way: the same objects, byte for byte.
    for (const key of KEYS) {
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: 'photos', Key: key }));
      expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(bodyOf(key));
    }
    expect(callLog.calls.filter((c) => c.command === 'PutObject')).toHaveLength(KEYS.length);
    // On loopback the direct puts leave the body out of the signature; Content-MD5 still guards it.
    const direct = fake.received.filter((r) => r.method === 'PUT' && !String(r.headers['user-agent'] ?? '').includes('aws-sdk'));
    expect(direct.map((r) => r.headers['x-amz-content-sha256'])).toEqual(KEYS.slice(1).map(() => 'UNSIGNED-PAYLOAD'));
  });

  it('has a body damaged on the way refused though the payload is unsigned (Content-MD5), and the SDK sends it again intact', async () => {
    await start({ damageDirect: (n) => n === 1 });
    for (const key of KEYS.slice(0, 2)) await clients.putSmallObject({ Bucket: 'photos', Key: key, Body: bodyOf(key), ContentType: 'image/jpeg' });
    const damaged = fake.received.filter((r) => r.status === 400);
    expect(damaged).toHaveLength(1);
    expect(damaged[0]!.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(fake.stored.get(`/photos/${encodeKeyPath(KEYS[1]!)}`)).toEqual(bodyOf(KEYS[1]!));
  });

  it('sends an object again through the SDK when the direct answer is not 200, and the SDK retries it', async () => {
    await start({ failDirect: (n) => n === 2 });
    const results = [];
    for (const key of KEYS.slice(0, 3)) results.push(await clients.putSmallObject({ Bucket: 'photos', Key: key, Body: bodyOf(key), ContentType: 'image/jpeg' }));
    expect(results.every((r) => r.ETag)).toBe(true);
    expect([...fake.stored.keys()].sort()).toEqual(KEYS.slice(0, 3).map((key) => `/photos/${encodeKeyPath(key)}`).sort());
    expect(fake.received.filter((r) => r.method === 'PUT')).toHaveLength(4);
  });
});

describe('the direct put on a broken connection', () => {
  it('sends the object again through the SDK when the connection drops before the answer', async () => {
    await start({ resetDirect: (n) => n === 1 });
    for (const key of KEYS.slice(0, 3)) await clients.putSmallObject({ Bucket: 'photos', Key: key, Body: bodyOf(key), ContentType: 'image/jpeg' });
    expect(fake.received.filter((r) => r.method === 'RESET')).toHaveLength(1);
    expect([...fake.stored.keys()].sort()).toEqual(KEYS.slice(0, 3).map((key) => `/photos/${encodeKeyPath(key)}`).sort());
    for (const key of KEYS.slice(0, 3)) expect(fake.stored.get(`/photos/${encodeKeyPath(key)}`)).toEqual(bodyOf(key));
  });
});

describe('payloadNeedsSigning', () => {
  it('signs the body over plain HTTP to another host only', () => {
    expect(payloadNeedsSigning('http:', 's3.example.internal')).toBe(true);
    expect(payloadNeedsSigning('http:', '10.0.0.5')).toBe(true);
    expect(payloadNeedsSigning('https:', 's3.us-east-1.amazonaws.com')).toBe(false);
    expect(payloadNeedsSigning('http:', '127.0.0.1')).toBe(false);
    expect(payloadNeedsSigning('http:', 'localhost')).toBe(false);
    expect(payloadNeedsSigning('http:', '[::1]')).toBe(false);
  });
});

describe('encodeKeyPath', () => {
  it('encodes each segment as the S3 serializer does, keeping slashes', () => {
    expect(encodeKeyPath("a b/c(1)!'*.jpg")).toBe('a%20b/c%281%29%21%27%2A.jpg');
    expect(encodeKeyPath('x/y~z_.-1.jpg')).toBe('x/y~z_.-1.jpg');
  });
});
