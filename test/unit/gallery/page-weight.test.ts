import { S3Client } from '@aws-sdk/client-s3';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredItem } from '../../../lambda/contract.js';
import { toGalleryImage, type GalleryPage } from '../../../src/gallery/load-images.js';
import { getObjectSigner } from '../../../src/gallery/presign.js';
import { startGalleryServer, type RunningGallery } from '../../../src/gallery/server.js';
import { photo } from '../../helpers/photos.js';

/** The stated bound: a page of 100 cards travels in at most this many bytes with brotli (README "Gallery and publishing"). */
const MAX_BROTLI_BYTES = 200 * 1024;
const MAX_GZIP_BYTES = 350 * 1024;

/** ThumbHashes of real photos, turned and flipped so no two cards share one (as on a real page). */
async function thumbhashes(): Promise<string[]> {
  const hashes: string[] = [];
  for (const name of ['skimage_chelsea.png', 'skimage_coffee.png', 'skimage_rocket.jpg', 'skimage_coins.png']) {
    for (const angle of [0, 90, 180, 270]) {
      for (const flip of [false, true]) {
        const { data, info } = await sharp(photo(name)).rotate(angle).flip(flip).resize(100, 100, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        hashes.push(Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64'));
      }
    }
  }
  return hashes;
}

function fetchRaw(url: string, acceptEncoding?: string): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('gallery page weight: 100 cards', () => {
  let server: RunningGallery;
  beforeAll(async () => {
    const hashes = await thumbhashes();
    // Signed as on AWS (virtual-hosted URLs, account-length bucket names), so URL lengths are real.
    const s3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'secret' } });
    const sign = getObjectSigner(s3, 900);
    const where = { table: 't', originalsBucket: 'thumbs-default-originals-123456789012', thumbnailsBucket: 'thumbs-default-thumbnails-123456789012' };
    const items: StoredItem[] = Array.from({ length: 100 }, (_, i) => ({
      imageKey: `trip/IMG_${1000 + i}.jpg`, status: 'done', width: 4032, height: 3024, bytes: 2_400_000, format: 'jpeg', contentType: 'image/jpeg',
      processedAt: '2030-01-01T00:00:00.000Z', durationMs: 800, attempts: 1, thumbhash: hashes[i % hashes.length],
      renditions: [128, 512, 1024].map((box) => ({ name: String(box), key: `${box}/trip/IMG_${1000 + i}.webp`, width: box, height: (box * 3) / 4, bytes: box * 40, format: 'webp' })),
    }));
    const page: GalleryPage = { images: await Promise.all(items.map((item) => toGalleryImage(sign, where, item))), total: 100, q: '', expiresAt: '2030-01-01T00:15:00.000Z' };
    server = await startGalleryServer({ port: 0, stack: 'default', load: async () => page });
  }, 60_000);
  afterAll(() => server?.close());

  it(`travels brotli-compressed in under ${MAX_BROTLI_BYTES / 1024} KB (gzip ${MAX_GZIP_BYTES / 1024} KB), the same page as uncompressed`, async () => {
    const plain = await fetchRaw(server.url);
    const br = await fetchRaw(server.url, 'gzip, deflate, br, zstd');
    const gzip = await fetchRaw(server.url, 'gzip, deflate');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect([br.headers['content-encoding'], gzip.headers['content-encoding']]).toEqual(['br', 'gzip']);
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(MAX_BROTLI_BYTES);
    expect(gzip.body.length).toBeLessThan(MAX_GZIP_BYTES);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
  });

  it('carries one placeholder per card', async () => {
    const html = (await fetchRaw(server.url)).body.toString('utf8');
    expect(html.match(/<li class="card /g)).toHaveLength(100);
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(100);
  });

  it('does not compress when the browser refuses brotli and gzip by q=0', async () => {
    const refused = await fetchRaw(server.url, 'br;q=0, gzip;q=0');
    expect(refused.headers['content-encoding']).toBeUndefined();
  });
});
