import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { readFile, mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctionPackage, type FunctionPackage } from '../../src/package/build.js';
import { LOCAL_CREDENTIALS, startEmulators, type RunningEmulators } from '../../src/local/emulators.js';
import { fixture } from '../helpers/photos.js';
import { renderPathAndQuery } from '../../lambda/render-url.js';
import { RECORD_KEY } from '../../src/state/stack-record.js';
import { unzip, type ZipListing } from '../helpers/unzip.js';

let x64: FunctionPackage;
let x64Again: FunctionPackage;
let arm: FunctionPackage;
let x64Files: ZipListing[];
let armFiles: ZipListing[];
let unpacked: string;

beforeAll(async () => {
  const out = (name: string) => mkdtemp(path.join(os.tmpdir(), `thumbs-pkg-${name}-`));
  // The staging installs are cached per (arch, sharp version), so only the first run pays for npm.
  [x64, arm] = await Promise.all([buildFunctionPackage({ arch: 'x86_64', outDir: await out('x64') }), buildFunctionPackage({ arch: 'arm64', outDir: await out('arm') })]);
  x64Again = await buildFunctionPackage({ arch: 'x86_64', outDir: await out('again') });
  unpacked = await out('unzipped');
  [x64Files, armFiles] = await Promise.all([unzip(x64.zipPath, unpacked), unzip(arm.zipPath)]);
}, 240_000);

const SYMLINK = 0o120000;

describe('thumbs package', () => {
  it('zips the bundle (libheif WebAssembly inside) and Linux x64 sharp, no symlinks, at most 12 MB', () => {
    const names = x64Files.map((f) => f.name);
    expect(names).toContain('index.mjs');
    expect(names).toContain('node_modules/sharp/package.json');
    expect(names.some((n) => n.startsWith('node_modules/@img/sharp-linux-x64/'))).toBe(true);
    expect(names.some((n) => n.startsWith('node_modules/@img/sharp-libvips-linux-x64/'))).toBe(true);
    expect(names.some((n) => /arm64|darwin|win32/.test(n))).toBe(false);
    expect(x64Files.filter((f) => (f.mode & 0o170000) === SYMLINK)).toEqual([]);
    expect(names).toEqual([...names].sort());
    // The bundle carries the HEIC decoder's .wasm (base64) itself: no other file in the zip holds it.
    expect(names.filter((n) => n.endsWith('.wasm'))).toEqual([]);
    expect(x64.bytes).toBeLessThanOrEqual(12 * 1024 * 1024);
  });

  it('the arm64 zip holds the arm64 binaries and no x64 binary', () => {
    const names = armFiles.map((f) => f.name);
    expect(names.some((n) => n.startsWith('node_modules/@img/sharp-linux-arm64/lib/'))).toBe(true);
    expect(names.some((n) => n.startsWith('node_modules/@img/sharp-libvips-linux-arm64/lib/'))).toBe(true);
    expect(names.some((n) => n.includes('x64'))).toBe(false);
  });

  it('two builds of the same tree are byte-identical', async () => {
    expect(x64Again.sha256).toBe(x64.sha256);
    expect((await readFile(x64Again.zipPath)).equals(await readFile(x64.zipPath))).toBe(true);
  });
});

/** The handler reads one AWS_ENDPOINT_URL; the embedded backend has two ports, so route by the DynamoDB target header. */
async function routingProxy(emulators: RunningEmulators): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const dynamo = String(req.headers['x-amz-target'] ?? '').startsWith('DynamoDB');
    const target = new URL(dynamo ? emulators.endpoints.dynamodb : emulators.endpoints.s3);
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the unzipped x86_64 function', () => {
  let emulators: RunningEmulators;
  let proxy: Awaited<ReturnType<typeof routingProxy>>;
  const saved = { ...process.env };
  beforeAll(async () => {
    emulators = await startEmulators();
    proxy = await routingProxy(emulators);
  });
  /** The function's environment as provision sets it, pointed at the embedded backend through the proxy. */
  const useFunctionEnvironment = () => Object.assign(process.env, {
    AWS_ENDPOINT_URL: proxy.url, AWS_REGION: emulators.endpoints.region, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    THUMBS_THUMBNAILS_BUCKET: 'thumbnails', THUMBS_ORIGINALS_BUCKET: 'originals', THUMBS_TABLE: 'images', THUMBS_RENDITIONS: 'webp:64',
  });
  const clients = () => {
    const { region } = emulators.endpoints;
    return {
      s3: new S3Client({ endpoint: emulators.endpoints.s3, region, credentials: LOCAL_CREDENTIALS, forcePathStyle: true }),
      dynamodb: new DynamoDBClient({ endpoint: emulators.endpoints.dynamodb, region, credentials: LOCAL_CREDENTIALS }),
    };
  };
  /** Buckets and table, made by whichever test runs first. */
  let made: Promise<unknown> | undefined;
  const makeStack = (s3: S3Client, dynamodb: DynamoDBClient) => (made ??= Promise.all([
    ...['originals', 'thumbnails'].map((Bucket) => s3.send(new CreateBucketCommand({ Bucket }))),
    dynamodb.send(new CreateTableCommand({ TableName: 'images', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'imageKey', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }] })),
  ]));
  afterAll(async () => {
    process.env = saved;
    await proxy?.close();
    await emulators?.stop();
  });

  it('loads with Node and turns a real SQS event (a JPEG and an iPhone-style HEIC) into upright thumbnails and items', async () => {
    const { s3, dynamodb } = clients();
    await makeStack(s3, dynamodb);
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
    const put = await s3.send(new PutObjectCommand({ Bucket: 'originals', Key: 'trip/photo.jpg', Body: photo, ContentType: 'image/jpeg' }));
    const heic = fixture('rotated-irot-6_skimage_rocket.heic');
    const putHeic = await s3.send(new PutObjectCommand({ Bucket: 'originals', Key: 'trip/IMG_0001.HEIC', Body: heic, ContentType: 'image/heic' }));
    useFunctionEnvironment();
    const bundle = (await import(pathToFileURL(path.join(unpacked, 'index.mjs')).href)) as { handler(event: unknown): Promise<{ batchItemFailures: unknown[] }> };
    const body = JSON.stringify({ v: 1, bucket: 'originals', key: 'trip/photo.jpg', etag: put.ETag?.replace(/"/g, ''), size: photo.length, contentType: 'image/jpeg' });
    const heicBody = JSON.stringify({ v: 1, bucket: 'originals', key: 'trip/IMG_0001.HEIC', etag: putHeic.ETag?.replace(/"/g, ''), size: heic.length, contentType: 'image/heic' });
    const result = await bundle.handler({
      Records: [
        { messageId: 'm-1', body, eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } },
        { messageId: 'm-2', body: heicBody, eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' } },
      ],
    });
    expect(result).toEqual({ batchItemFailures: [] });
    const thumb = await s3.send(new GetObjectCommand({ Bucket: 'thumbnails', Key: '64/trip/photo.webp' }));
    const meta = await sharp(Buffer.from(await thumb.Body!.transformToByteArray())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 64, 43]);
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: 'images', Key: { imageKey: { S: 'trip/photo.jpg' } } }));
    expect(Item?.status?.S).toBe('done');
    const heicThumb = await s3.send(new GetObjectCommand({ Bucket: 'thumbnails', Key: '64/trip/IMG_0001.webp' }));
    const heicMeta = await sharp(Buffer.from(await heicThumb.Body!.transformToByteArray())).metadata();
    // Stored 640x427 with a quarter-turn irot: upright it is a portrait.
    expect([heicMeta.format, heicMeta.width, heicMeta.height]).toEqual(['webp', 43, 64]);
    const heicItem = (await dynamodb.send(new GetItemCommand({ TableName: 'images', Key: { imageKey: { S: 'trip/IMG_0001.HEIC' } } }))).Item;
    expect([heicItem?.status?.S, heicItem?.format?.S, heicItem?.width?.N, heicItem?.height?.N]).toEqual(['done', 'heic', '427', '640']);
    s3.destroy();
    dynamodb.destroy();
  });

  it('answers a function-URL event through the same exported handler: signed 200 (rendered, stored under r/), unsigned 403', async () => {
    const { s3, dynamodb } = clients();
    await makeStack(s3, dynamodb);
    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#a37' } }).jpeg().toBuffer();
    await s3.send(new PutObjectCommand({ Bucket: 'originals', Key: 'trip/url photo.jpg', Body: photo, ContentType: 'image/jpeg' }));
    // The key as provision keeps it: an attribute of the stack's record, read by the function at its first request.
    const secret = 'test-render-key';
    await dynamodb.send(new PutItemCommand({ TableName: 'images', Item: { imageKey: { S: RECORD_KEY }, secret_render: { S: secret } } }));
    useFunctionEnvironment();
    const bundle = (await import(pathToFileURL(path.join(unpacked, 'index.mjs')).href)) as { handler(event: unknown): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> };
    const signed = renderPathAndQuery(secret, 'trip/url photo.jpg', { width: 100, fit: 'inside', format: 'webp' }, Math.floor(Date.now() / 1000) + 600);
    const [rawPath = '', rawQueryString = ''] = signed.split('?');
    const event = (query: string) => ({ version: '2.0', rawPath, rawQueryString: query, headers: { accept: 'image/webp' }, requestContext: { http: { method: 'GET', path: rawPath } } });
    const answer = await bundle.handler(event(rawQueryString));
    expect([answer.statusCode, answer.headers['content-type']]).toEqual([200, 'image/webp']);
    const meta = await sharp(Buffer.from(answer.body, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 100, 75]);
    const stored = await s3.send(new ListObjectsV2Command({ Bucket: 'thumbnails', Prefix: 'r/' }));
    expect(stored.Contents?.map((o) => o.Key)).toEqual([expect.stringMatching(/^r\/100x-inside-q80-[0-9a-f]{16}\/trip\/url photo\.jpg\.webp$/)]);
    const unsigned = await bundle.handler(event(rawQueryString.replace(/&signature=[^&]*/, '')));
    expect(unsigned.statusCode).toBe(403);
    const altered = await bundle.handler(event(rawQueryString.replace('width=100', 'width=200')));
    expect(altered.statusCode).toBe(403);
    s3.destroy();
    dynamodb.destroy();
  });
});
