import { CreateBucketCommand, GetBucketCorsCommand, HeadObjectCommand, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_FIELD, presignUpload } from '../../src/gallery/browser-upload.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const BUCKET = 'browser-uploads';
const ORIGIN = 'http://127.0.0.1:8123';

async function post(s3: S3Client, body: Buffer, contentType = 'image/png', key = 'uploads/a.png') {
  const { url, fields } = await createPresignedPost(s3 as never, {
    Bucket: BUCKET,
    Key: key,
    Conditions: [['content-length-range', 1, 1000], ['starts-with', '$Content-Type', 'image/'], ['starts-with', '$key', 'uploads/']],
    Expires: 60,
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set('Content-Type', contentType);
  form.set('file', new Blob([body], { type: contentType }), 'a.png');
  return fetch(url, { method: 'POST', body: form, headers: { origin: ORIGIN } });
}

async function exists(s3: S3Client, key: string, bucket = BUCKET): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(() => true, () => false);
}

describe('browser uploads on the embedded S3 (POST Object, bucket CORS)', () => {
  let harness: EmbeddedHarness;
  beforeAll(async () => {
    harness = await startEmbedded();
    await harness.ctx.clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(() => harness?.stop());

  it('stores an object whose POST satisfies the signed policy', async () => {
    const res = await post(harness.ctx.clients.s3, Buffer.alloc(500, 1));
    expect(res.status).toBe(204);
    const head = await harness.ctx.clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/a.png' }));
    expect(head).toMatchObject({ ContentLength: 500, ContentType: 'image/png', ETag: res.headers.get('etag') });
  });

  it('refuses a file over content-length-range and keeps nothing of it', async () => {
    const res = await post(harness.ctx.clients.s3, Buffer.alloc(1001, 1), 'image/png', 'uploads/big.png');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>EntityTooLarge</Code>');
    expect(await exists(harness.ctx.clients.s3, 'uploads/big.png')).toBe(false);
  });

  it('refuses a content type or key outside the policy', async () => {
    const wrongType = await post(harness.ctx.clients.s3, Buffer.alloc(10), 'text/html', 'uploads/page.html');
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain('Content-Type');
    const wrongKey = await post(harness.ctx.clients.s3, Buffer.alloc(10), 'image/png', 'elsewhere/a.png');
    expect(wrongKey.status).toBe(403);
    expect(await exists(harness.ctx.clients.s3, 'elsewhere/a.png')).toBe(false);
  });

  it('refuses a tampered policy', async () => {
    const { url, fields } = await createPresignedPost(harness.ctx.clients.s3 as never, { Bucket: BUCKET, Key: 'uploads/t.png', Conditions: [['content-length-range', 1, 10]] });
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString()) as { conditions: unknown[] };
    policy.conditions = policy.conditions.filter((c) => !Array.isArray(c));
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...fields, Policy: Buffer.from(JSON.stringify(policy)).toString('base64') })) form.set(name, value);
    form.set('file', new Blob([Buffer.alloc(100)]), 't.png');
    const res = await fetch(url, { method: 'POST', body: form });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');
  });

  it('keeps CORS rules per bucket and answers preflights by them', async () => {
    const s3 = harness.ctx.clients.s3;
    await expect(s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'NoSuchCORSConfiguration' });
    const rules = [
      { AllowedMethods: ['GET'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], MaxAgeSeconds: 3600 },
      { ID: 'upload', AllowedMethods: ['POST'], AllowedOrigins: [ORIGIN], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] },
    ];
    await s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: rules } }));
    const { CORSRules } = await s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }));
    expect(CORSRules).toMatchObject(rules);
    const preflight = (origin: string) => fetch(`${harness.emulators.endpoints.s3}/${BUCKET}`, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' },
    });
    const allowed = await preflight(ORIGIN);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect((await preflight('http://evil.example')).status).toBe(403);
  });
});

describe('the gallery upload policy on the embedded S3', () => {
  let harness: EmbeddedHarness;
  const bucket = 'gallery-policy';
  beforeAll(async () => {
    harness = await startEmbedded();
    await harness.ctx.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => harness?.stop());

  /** Posts a form signed for `signedType`, but with the Content-Type and body a page (or an attacker) chose. */
  async function postAs(signedType: string, sentType: string, body: string | Buffer, name: string) {
    const form = await presignUpload(harness.ctx.clients.s3, { bucket, maxBytes: 1000 }, name, signedType);
    const data = new FormData();
    for (const [field, value] of Object.entries(form.fields)) data.set(field, value);
    data.set('Content-Type', sentType);
    data.set('file', new Blob([body], { type: sentType }), name);
    return { key: form.key, res: await fetch(form.url, { method: 'POST', body: data }) };
  }

  it('stores the batch the form was signed for in the object\'s metadata, and refuses a form whose batch was changed', async () => {
    const form = await presignUpload(harness.ctx.clients.s3, { bucket, maxBytes: 1000 }, 'batch.png', 'image/png', 'batch-a');
    const postWith = (batch: string) => {
      const data = new FormData();
      for (const [field, value] of Object.entries(form.fields)) data.set(field, field === BATCH_FIELD ? batch : value);
      data.set('file', new Blob([Buffer.alloc(100, 7)], { type: 'image/png' }), 'batch.png');
      return fetch(form.url, { method: 'POST', body: data });
    };
    const moved = await postWith('batch-b');
    expect(moved.status).toBe(403);
    expect(await exists(harness.ctx.clients.s3, form.key, bucket)).toBe(false);
    expect((await postWith('batch-a')).status).toBe(204);
    expect((await harness.ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: form.key }))).Metadata).toEqual({ 'thumbs-batch': 'batch-a' });
  });

  it('stores a PNG posted with the type it was signed for', async () => {
    const { key, res } = await postAs('image/png', 'image/png', Buffer.alloc(100, 7), 'ok.png');
    expect(res.status).toBe(204);
    expect((await harness.ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentType).toBe('image/png');
  });

  it.each([
    ['an SVG', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'drawing.png'],
    ['a text file', 'text/plain', 'just text\n', 'notes.png'],
    ['an HTML page', 'text/html', '<script>alert(1)</script>', 'page.png'],
  ])('refuses %s posted on a form signed for image/png, and stores nothing', async (_what, sentType, body, name) => {
    const { key, res } = await postAs('image/png', sentType, body, name);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Policy Condition failed');
    expect(await exists(harness.ctx.clients.s3, key, bucket)).toBe(false);
  });
});
