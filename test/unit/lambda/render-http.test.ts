import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderHandler, RENDER_PREFIX, type RenderDeps, type UrlEvent } from '../../../lambda/render-http.js';
import { renderPathAndQuery, type RenderParams } from '../../../lambda/render-url.js';
import { startEmbedded, type EmbeddedHarness } from '../../helpers/embedded.js';
import { photo } from '../../helpers/photos.js';

const SECRET = 'test-secret-of-the-stack';
const NOW = Date.UTC(2030, 0, 1);
const LATER = NOW / 1000 + 3600;
const KEY = 'trip/Picture 1A+é.jpg';

function event(pathAndQuery: string, headers: Record<string, string> = {}): UrlEvent {
  const [rawPath, rawQueryString] = pathAndQuery.split('?') as [string, string];
  return { rawPath, rawQueryString, headers, requestContext: { http: { method: 'GET' } } };
}

const signed = (params: RenderParams, key = KEY, expires = LATER) => renderPathAndQuery(SECRET, key, params, expires);
const webp780: RenderParams = { width: 780, fit: 'inside', format: 'webp' };

describe('the on-request renderer (function URL entry) on the embedded S3', () => {
  let harness: EmbeddedHarness;
  let deps: RenderDeps;
  beforeAll(async () => {
    harness = await startEmbedded();
    const s3 = harness.ctx.clients.s3;
    await Promise.all(['render-originals', 'render-thumbs'].map((Bucket) => s3.send(new CreateBucketCommand({ Bucket }))));
    await s3.send(new PutObjectCommand({ Bucket: 'render-originals', Key: KEY, Body: photo('lomiri_Picture_1A_by_freespace.jpg'), ContentType: 'image/jpeg' }));
    await s3.send(new PutObjectCommand({ Bucket: 'render-originals', Key: 'rocket.jpg', Body: photo('skimage_rocket.jpg'), ContentType: 'image/jpeg' }));
    deps = { s3, originalsBucket: 'render-originals', thumbnailsBucket: 'render-thumbs', secret: SECRET, quality: 80, maxPixels: 100_000_000, maxBytes: 50 << 20, now: () => NOW };
  }, 60_000);
  afterAll(() => harness?.stop());

  it('answers a valid signed URL with the image at the asked width, immutable and with an ETag', async () => {
    const res = await createRenderHandler(deps)(event(signed(webp780)));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'image/webp', 'cache-control': 'public, max-age=31536000, immutable' });
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+"$/);
    expect(res.headers.vary).toBeUndefined();
    const meta = await sharp(Buffer.from(res.body, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 780, 614]);
  });

  it('refuses 403 an expired, altered, unsigned or foreign-keyed URL, rendering nothing', async () => {
    const handler = createRenderHandler(deps);
    const good = signed({ width: 300, height: 200, fit: 'cover', format: 'jpeg', quality: 70 });
    expect((await handler(event(good))).statusCode).toBe(200);
    const altered = [
      good.replace('width=300', 'width=301'),
      good.replace('height=200', 'height=201'),
      good.replace('fit=cover', 'fit=fill'),
      good.replace('format=jpeg', 'format=png'),
      good.replace('quality=70', 'quality=71'),
      good.replace(`expires=${LATER}`, `expires=${LATER + 1}`),
      good.replace('/trip/', '/trap/'),
      `${good}&extra=1`,
      good.replace(/&signature=[^&]+/, ''),
      good.replace(/signature=./, 'signature=A'),
    ];
    for (const url of altered) expect((await handler(event(url))).statusCode, url).toBe(403);
    const expired = signed(webp780, KEY, NOW / 1000 - 1);
    expect((await handler(event(expired))).statusCode).toBe(403);
    expect((await handler(event(renderPathAndQuery('another secret', KEY, webp780, LATER)))).statusCode).toBe(403);
  });

  it('keeps widths within 16-4096 (400 even when signed) and never enlarges the original', async () => {
    const handler = createRenderHandler(deps);
    expect((await handler(event(signed({ width: 15, fit: 'inside', format: 'png' }, 'rocket.jpg')))).statusCode).toBe(400);
    expect((await handler(event(signed({ width: 4097, fit: 'inside', format: 'png' }, 'rocket.jpg')))).statusCode).toBe(400);
    const big = await handler(event(signed({ width: 4096, fit: 'inside', format: 'png' }, 'rocket.jpg')));
    const meta = await sharp(Buffer.from(big.body, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([640, 427]);
  });

  it.each([
    ['image/avif,image/webp,image/apng,image/*,*/*;q=0.8', 'image/avif'],
    ['image/webp,*/*', 'image/webp'],
    ['image/avif;q=0, image/webp', 'image/webp'],
    ['*/*', 'image/jpeg'],
    ['', 'image/jpeg'],
  ])('format=auto with Accept "%s" answers %s, with Vary: Accept', async (accept, type) => {
    const res = await createRenderHandler(deps)(event(signed({ width: 64, fit: 'inside', format: 'auto' }, 'rocket.jpg'), accept ? { accept } : {}));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers.vary).toBe('Accept');
    expect((await sharp(Buffer.from(res.body, 'base64')).metadata()).format).toBe(type === 'image/jpeg' ? 'jpeg' : type === 'image/webp' ? 'webp' : 'heif');
  });

  it('renders once: the second answer comes from the stored object, even with the original gone', async () => {
    const s3 = harness.ctx.clients.s3;
    await s3.send(new PutObjectCommand({ Bucket: 'render-originals', Key: 'once.jpg', Body: photo('skimage_rocket.jpg'), ContentType: 'image/jpeg' }));
    const handler = createRenderHandler(deps);
    const url = signed({ width: 200, fit: 'inside', format: 'webp' }, 'once.jpg');
    const first = await handler(event(url));
    expect(first.statusCode).toBe(200);
    await s3.send(new DeleteObjectCommand({ Bucket: 'render-originals', Key: 'once.jpg' }));
    const second = await handler(event(url));
    expect(second.statusCode).toBe(200);
    expect([second.headers.etag, second.body]).toEqual([first.headers.etag, first.body]);
    const uncached = await handler(event(signed({ width: 201, fit: 'inside', format: 'webp' }, 'once.jpg')));
    expect(uncached.statusCode).toBe(404);
  });

  it('answers a result over the inline limit with a redirect to a presigned URL of the stored object', async () => {
    const res = await createRenderHandler({ ...deps, maxInlineBytes: 1000 })(event(signed({ width: 600, fit: 'inside', format: 'png' }, 'rocket.jpg')));
    expect(res.statusCode).toBe(302);
    const location = new URL(res.headers.location!);
    expect(location.pathname).toContain(`/render-thumbs/${RENDER_PREFIX}`);
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const stored = await harness.ctx.clients.s3.send(new GetObjectCommand({ Bucket: 'render-thumbs', Key: decodeURIComponent(location.pathname.replace(/^\/render-thumbs\//, '')) }));
    expect(stored.ContentType).toBe('image/png');
    expect((await fetch(location)).status).toBe(200);
  });
});
