import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRenditions } from '../../lambda/config.js';
import type { ThumbsConfig } from '../../lambda/config.js';
import { createHandler } from '../../lambda/handler.js';
import type { LogLevel } from '../../lambda/log.js';
import type { ImageItem } from '../../lambda/store.js';
import { writeItem } from '../../lambda/store.js';
import { settingsHash } from '../../lambda/settings-hash.js';
import { LOCAL_CREDENTIALS, startEmulators } from '../../src/local/emulators.js';
import type { RunningEmulators } from '../../src/local/emulators.js';
import { photo as corpus } from '../helpers/photos.js';

const ORIGINALS = 'originals';
const config: ThumbsConfig = {
  thumbnailsBucket: 'thumbnails',
  table: 'images',
  renditions: parseRenditions('webp:64,jpeg:128'),
  quality: 80,
  maxPixels: 100_000_000,
  maxBytes: 5 * 1024 * 1024,
  concurrency: 3,
};
const s3Encode = (key: string) => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

let emulators: RunningEmulators;
let s3: S3Client;
let ddb: DynamoDBDocumentClient;
let nextId = 0;

function s3Client(): S3Client {
  const { s3: endpoint, region } = emulators.endpoints;
  return new S3Client({ endpoint, region, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
}

/** An S3 client that counts the commands it sends and can fail chosen ones before they leave. */
function instrumentedS3(failGet?: (key: string) => Error | undefined) {
  const client = s3Client();
  const sent: string[] = [];
  const putInputs: Array<Record<string, unknown>> = [];
  const getInputs: Array<Record<string, unknown>> = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string };
      sent.push(`${context.commandName}:${input.Key}`);
      if (context.commandName === 'PutObjectCommand') putInputs.push(input);
      if (context.commandName === 'GetObjectCommand') getInputs.push(input);
      const failure = context.commandName === 'GetObjectCommand' ? failGet?.(input.Key ?? '') : undefined;
      if (failure) throw failure;
      return next(args);
    },
    { step: 'initialize', name: 'testInstrument' },
  );
  return { client, putInputs, getInputs, puts: () => sent.filter((s) => s.startsWith('PutObjectCommand')) };
}

function handlerWith(client = s3, overrides: Partial<ThumbsConfig> = {}) {
  const lines: Array<{ level: LogLevel } & Record<string, unknown>> = [];
  const handler = createHandler({ s3: client, ddb, config: { ...config, ...overrides }, log: (level, fields) => lines.push({ level, ...fields }) });
  return { handler, lines };
}

async function upload(key: string, body: Buffer): Promise<string> {
  const { ETag } = await s3.send(new PutObjectCommand({ Bucket: ORIGINALS, Key: key, Body: body, ContentType: 'image/jpeg' }));
  return ETag!;
}

function sqsRecord(body: unknown, receiveCount = 1) {
  const messageId = `msg-${++nextId}`;
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.now()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:thumbs',
    awsRegion: 'us-east-1',
  };
}

const thumbsMessage = (key: string, etag: string, size = 1) => ({ v: 1, bucket: ORIGINALS, key, etag, size, contentType: 'image/jpeg' });
const s3Notification = (key: string, etag: string) => ({
  Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: ORIGINALS }, object: { key: s3Encode(key), size: 1, eTag: etag.replace(/"/g, '') } } }],
});

async function item(key: string): Promise<ImageItem | undefined> {
  return (await ddb.send(new GetCommand({ TableName: config.table, Key: { imageKey: key }, ConsistentRead: true }))).Item as ImageItem | undefined;
}

beforeAll(async () => {
  emulators = await startEmulators();
  s3 = s3Client();
  const { dynamodb: endpoint, region } = emulators.endpoints;
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  await s3.send(new CreateBucketCommand({ Bucket: ORIGINALS }));
  await s3.send(new CreateBucketCommand({ Bucket: config.thumbnailsBucket }));
  await ddb.send(
    new CreateTableCommand({
      TableName: config.table,
      AttributeDefinitions: [{ AttributeName: 'imageKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  s3?.destroy();
  ddb?.destroy();
  await emulators?.stop();
});

describe('handler on the embedded backend', () => {
  it('records valid images done and a corrupt one failed, with nothing to retry', async () => {
    const records = [
      sqsRecord(thumbsMessage('batch/home.jpg', await upload('batch/home.jpg', corpus('skimage_rocket.jpg')))),
      sqsRecord(thumbsMessage('batch/broken.jpg', await upload('batch/broken.jpg', Buffer.from('not really a jpeg')))),
      sqsRecord(thumbsMessage('batch/coins.png', await upload('batch/coins.png', corpus('skimage_coins.png')))),
    ];
    const { client, putInputs } = instrumentedS3();
    const { handler, lines } = handlerWith(client);
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [] });

    const home = await item('batch/home.jpg');
    expect(home).toMatchObject({ status: 'done', sourceBucket: ORIGINALS, width: 640, height: 427, format: 'jpeg', contentType: 'image/jpeg', attempts: 1 });
    expect(home?.etag).not.toMatch(/"/);
    expect(home?.renditions).toEqual([
      { name: '64', key: '64/batch/home.webp', width: 64, height: 43, bytes: expect.any(Number), format: 'webp' },
      { name: '128', key: '128/batch/home.jpeg', width: 128, height: 85, bytes: expect.any(Number), format: 'jpeg' },
    ]);
    expect(Date.parse(home!.processedAt)).toBeGreaterThan(0);
    const head = await s3.send(new HeadObjectCommand({ Bucket: config.thumbnailsBucket, Key: '64/batch/home.webp' }));
    expect(head).toMatchObject({ ContentType: 'image/webp', ContentLength: home!.renditions[0]!.bytes });
    // fauxqs does not store Cache-Control, so check what was sent.
    expect(putInputs.find((p) => p.Key === '64/batch/home.webp')).toMatchObject({
      Bucket: config.thumbnailsBucket,
      ContentType: 'image/webp',
      CacheControl: 'public, max-age=31536000, immutable',
    });
    const thumb = await s3.send(new GetObjectCommand({ Bucket: config.thumbnailsBucket, Key: '128/batch/home.jpeg' }));
    expect((await sharp(Buffer.from(await thumb.Body!.transformToByteArray())).metadata()).format).toBe('jpeg');

    expect(await item('batch/coins.png')).toMatchObject({ status: 'done', format: 'png', width: 384, height: 303 });
    expect(await item('batch/broken.jpg')).toMatchObject({ status: 'failed', error: 'not an image or unsupported format', renditions: [] });
    expect(lines.filter((l) => l.msg === 'record').map((l) => [l.key, l.status])).toEqual(
      expect.arrayContaining([['batch/home.jpg', 'done'], ['batch/broken.jpg', 'failed'], ['batch/coins.png', 'done']]),
    );
  });

  it('returns exactly the transiently failed message for retry', async () => {
    const flaky = sqsRecord(thumbsMessage('transient/flaky.jpg', await upload('transient/flaky.jpg', corpus('skimage_rocket.jpg'))), 2);
    const fine = sqsRecord(thumbsMessage('transient/fine.jpg', await upload('transient/fine.jpg', corpus('skimage_rocket.jpg'))));
    const slowDown = () => Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } });
    const { client } = instrumentedS3((key) => (key === 'transient/flaky.jpg' ? slowDown() : undefined));
    const { handler, lines } = handlerWith(client);

    expect(await handler({ Records: [fine, flaky] })).toEqual({ batchItemFailures: [{ itemIdentifier: flaky.messageId }] });
    expect(await item('transient/flaky.jpg')).toBeUndefined();
    expect(await item('transient/fine.jpg')).toMatchObject({ status: 'done' });
    expect(lines.find((l) => l.key === 'transient/flaky.jpg')).toMatchObject({ level: 'warn', status: 'retry', reason: expect.stringMatching(/SlowDown/) });

    // The retry (third receive) succeeds and records the attempt number.
    const retry = { ...flaky, attributes: { ...flaky.attributes, ApproximateReceiveCount: '3' } };
    expect(await handlerWith().handler({ Records: [retry] })).toEqual({ batchItemFailures: [] });
    expect(await item('transient/flaky.jpg')).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('processes a duplicate delivery once, and a newer etag again', async () => {
    const key = 'dup/photo.jpg';
    const first = sqsRecord(thumbsMessage(key, await upload(key, corpus('skimage_rocket.jpg'))));
    const { client, puts } = instrumentedS3();
    const { handler, lines } = handlerWith(client);

    await handler({ Records: [first] });
    expect(puts()).toHaveLength(2);
    const done = await item(key);
    await handler({ Records: [{ ...first, messageId: 'redelivered' }] });
    expect(puts()).toHaveLength(2);
    expect(await item(key)).toEqual(done);
    expect(lines.at(-1)).toMatchObject({ status: 'skipped', reason: 'already done' });

    const newer = await upload(key, corpus('skimage_hubble_deep_field.jpg'));
    expect(newer).not.toBe(first.body);
    await handler({ Records: [sqsRecord(thumbsMessage(key, newer))] });
    expect(puts()).toHaveLength(4);
    expect(await item(key)).toMatchObject({ status: 'done', etag: newer.replace(/"/g, ''), width: 1000, height: 872 });
  });

  it('renders an unchanged original again when the message asks for other settings, or forces it; skips it for the same settings', async () => {
    const key = 'settings/photo.jpg';
    const etag = await upload(key, corpus('skimage_rocket.jpg'));
    const first = handlerWith();
    await first.handler({ Records: [sqsRecord(thumbsMessage(key, etag))] });
    const original = await item(key);
    expect(original?.settings).toBe(settingsHash(config));

    const small = { renditions: [{ format: 'webp' as const, size: 64 }] };
    const changed = handlerWith(s3, small);
    const wanted = settingsHash({ ...config, ...small });
    await changed.handler({ Records: [sqsRecord({ ...thumbsMessage(key, etag), settings: wanted })] });
    expect(await item(key)).toMatchObject({ status: 'done', settings: wanted, renditions: [expect.objectContaining({ name: '64', format: 'webp' })] });

    const again = await item(key);
    await changed.handler({ Records: [sqsRecord({ ...thumbsMessage(key, etag), settings: wanted })] });
    expect(changed.lines.at(-1)).toMatchObject({ status: 'skipped', reason: 'already done' });
    expect(await item(key)).toEqual(again);

    await changed.handler({ Records: [sqsRecord({ ...thumbsMessage(key, etag), settings: wanted, force: true })] });
    expect(changed.lines.at(-1)).toMatchObject({ status: 'done' });
    expect((await item(key))?.processedAt).not.toBe(again?.processedAt);
  });

  it('lets only one of two concurrent deliveries write the item', async () => {
    const key = 'race/photo.jpg';
    const base: ImageItem = {
      imageKey: key, sourceBucket: ORIGINALS, etag: 'e1', bytes: 1, contentType: 'image/jpeg', renditions: [],
      status: 'done', attempts: 1, processedAt: new Date().toISOString(), durationMs: 1,
    };
    const results = await Promise.all([writeItem(ddb, config.table, base), writeItem(ddb, config.table, { ...base, attempts: 2 })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await writeItem(ddb, config.table, { ...base, attempts: 3 })).toBe(false);
    expect(await writeItem(ddb, config.table, { ...base, etag: 'e2' })).toBe(true);

    // Through the handler: two deliveries of one upload in one batch produce one done item.
    const etag = await upload('race/both.jpg', corpus('skimage_rocket.jpg'));
    const { handler, lines } = handlerWith();
    const out = await handler({ Records: [sqsRecord(thumbsMessage('race/both.jpg', etag)), sqsRecord(thumbsMessage('race/both.jpg', etag))] });
    expect(out.batchItemFailures).toEqual([]);
    expect(lines.filter((l) => l.msg === 'record').map((l) => l.status).sort()).toEqual(['done', 'skipped']);
  });

  it('keeps keys with spaces, plus signs and unicode intact through S3 event messages', async () => {
    const keys = ['keys/holiday/beach 1.jpg', 'keys/a+b c.jpg', 'keys/café 東京 ñ.jpg'];
    const records = await Promise.all(keys.map(async (key) => sqsRecord(s3Notification(key, await upload(key, corpus('skimage_hubble_deep_field.jpg'))))));
    expect(await handlerWith().handler({ Records: records })).toEqual({ batchItemFailures: [] });
    for (const key of keys) {
      expect(await item(key), key).toMatchObject({ status: 'done', imageKey: key });
      const thumbKey = `64/${key.replace(/\.jpg$/, '.webp')}`;
      await expect(s3.send(new HeadObjectCommand({ Bucket: config.thumbnailsBucket, Key: thumbKey }))).resolves.toBeDefined();
    }
  });

  it('records permanent failures for a missing object and an oversized one', async () => {
    const big = await upload('limits/big.jpg', corpus('skimage_rocket.jpg'));
    const records = [sqsRecord(thumbsMessage('limits/gone.jpg', '"nope"')), sqsRecord(thumbsMessage('limits/big.jpg', big))];
    const { client, puts } = instrumentedS3();
    expect(await handlerWith(client, { maxBytes: 1000 }).handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await item('limits/gone.jpg')).toMatchObject({ status: 'failed', error: 'original was deleted (NoSuchKey)' });
    expect(await item('limits/big.jpg')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^over byte limit/) });
    expect(puts()).toEqual([]);
  });

  it('retries, and records nothing, when the thumbnails bucket is missing', async () => {
    const key = 'config/no-thumbs-bucket.jpg';
    const record = sqsRecord(thumbsMessage(key, await upload(key, corpus('skimage_rocket.jpg'))));
    // The real emulator answers PutObject to an absent bucket with NoSuchBucket (404), as S3 does.
    const { handler, lines } = handlerWith(s3, { thumbnailsBucket: 'thumbnails-misnamed' });
    expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(await item(key)).toBeUndefined();
    expect(lines.find((l) => l.key === key)).toMatchObject({ level: 'warn', status: 'retry', reason: expect.stringMatching(/NoSuchBucket/) });
  });

  it('skips a message whose original was replaced after it was sent, writing nothing', async () => {
    const key = 'stale/photo.jpg';
    const old = await upload(key, corpus('skimage_rocket.jpg'));
    await upload(key, corpus('skimage_hubble_deep_field.jpg'));
    const { client, getInputs, puts } = instrumentedS3();
    const { handler, lines } = handlerWith(client);
    // fauxqs 1.9.2 honours If-Match (412 PreconditionFailed), so this runs against the real emulator.
    expect(await handler({ Records: [sqsRecord(s3Notification(key, old))] })).toEqual({ batchItemFailures: [] });
    expect(getInputs).toEqual([expect.objectContaining({ Bucket: ORIGINALS, Key: key, IfMatch: old })]);
    expect(old).toMatch(/^".*"$/);
    expect(puts()).toEqual([]);
    expect(await item(key)).toBeUndefined();
    expect(lines.find((l) => l.key === key)).toMatchObject({ status: 'skipped', reason: 'superseded by a newer upload' });
  });

  it('fails a malformed body (to reach the DLQ) and acknowledges a TestEvent', async () => {
    const bad = sqsRecord('{"this is": "nonsense"');
    const test = sqsRecord({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: ORIGINALS });
    const empty = sqsRecord({ Records: [] });
    const { handler, lines } = handlerWith();
    expect(await handler({ Records: [bad, test, empty] })).toEqual({
      batchItemFailures: [{ itemIdentifier: bad.messageId }, { itemIdentifier: empty.messageId }],
    });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'malformed message', messageId: bad.messageId }));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'malformed message', messageId: empty.messageId, reason: expect.stringMatching(/empty Records/) }),
    );
  });
});
