/**
 * Issue 18's figures, side by side in one run, on the embedded S3:
 * - the on-request renderer: first render and cached answer of a 12 MP JPEG at 780 px WebP (5 runs each),
 *   called in process and over HTTP through the loopback server `thumbs dev` runs (src/local/dev-renderer.ts);
 * - a 12 MP photo's three default renditions as WebP and as AVIF (effort 2), from JPEG and from HEIC
 *   when heif-enc is installed (`apt-get install libheif-examples`; else the HEIC row is left out);
 * - the bytes of a gallery page of 100 cards, uncompressed, brotli and gzip.
 * Run: `npm run bench -- render` or `npx tsx bench/render.ts`.
 */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { parseRenditions } from '../lambda/config.js';
import { createRenderHandler } from '../lambda/render-http.js';
import { renderPathAndQuery } from '../lambda/render-url.js';
import { transform } from '../lambda/transform.js';
import { startEmulators, LOCAL_CREDENTIALS } from '../src/local/emulators.js';
import { serveRenderer } from '../src/local/dev-renderer.js';
import { S3Client } from '@aws-sdk/client-s3';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 5;
const range = (values: number[]) => `${Math.round(Math.min(...values))}-${Math.round(Math.max(...values))} ms`;

async function twelveMegapixels(): Promise<{ jpeg: Buffer; heic?: Buffer }> {
  const jpeg = await sharp(path.join(ROOT, 'images', 'lomiri_seeding_by_Clements_Engelhardt.jpg')).resize(4032, 3024, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-bench-heic-'));
  try {
    await sharp(jpeg).toFile(path.join(dir, 'in.jpg'));
    execFileSync('heif-enc', ['-q', '50', '-o', path.join(dir, 'out.heic'), path.join(dir, 'in.jpg')], { stdio: 'ignore' });
    return { jpeg, heic: await readFile(path.join(dir, 'out.heic')) };
  } catch {
    return { jpeg };
  }
}

async function renditionTimes(input: Buffer, spec: string): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const started = performance.now();
    await transform(input, { renditions: parseRenditions(spec), quality: 80, maxPixels: 100_000_000 });
    times.push(performance.now() - started);
  }
  return range(times);
}

async function onRequest(jpeg: Buffer): Promise<{ first: string; cached: string; loopbackFirst: string; loopbackCached: string }> {
  const emulators = await startEmulators();
  const s3 = new S3Client({ endpoint: emulators.endpoints.s3, region: emulators.endpoints.region, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  try {
    await Promise.all(['bench-originals', 'bench-thumbs'].map((Bucket) => s3.send(new CreateBucketCommand({ Bucket }))));
    const handler = createRenderHandler({ s3, originalsBucket: 'bench-originals', thumbnailsBucket: 'bench-thumbs', secret: 'bench', quality: 80, maxPixels: 100_000_000, maxBytes: 50 << 20 });
    const first: number[] = [];
    const cached: number[] = [];
    const loopbackFirst: number[] = [];
    const loopbackCached: number[] = [];
    const served = await serveRenderer(handler);
    for (let i = 0; i < RUNS; i += 1) {
      // A new original each run, so every first answer renders.
      await s3.send(new PutObjectCommand({ Bucket: 'bench-originals', Key: `photo-${i}.jpg`, Body: jpeg, ContentType: 'image/jpeg' }));
      const [rawPath, rawQueryString] = renderPathAndQuery('bench', `photo-${i}.jpg`, { width: 780, fit: 'inside', format: 'webp' }, Math.floor(Date.now() / 1000) + 600).split('?') as [string, string];
      for (const into of [first, cached]) {
        const started = performance.now();
        const res = await handler({ rawPath, rawQueryString, requestContext: { http: { method: 'GET' } } });
        into.push(performance.now() - started);
        if (res.statusCode !== 200) throw new Error(`render answered ${res.statusCode}`);
      }
      // The same through dev's loopback function URL: what a browser or curl waits for.
      await s3.send(new PutObjectCommand({ Bucket: 'bench-originals', Key: `loopback-${i}.jpg`, Body: jpeg, ContentType: 'image/jpeg' }));
      const url = `${served.url}${renderPathAndQuery('bench', `loopback-${i}.jpg`, { width: 780, fit: 'inside', format: 'webp' }, Math.floor(Date.now() / 1000) + 600)}`;
      for (const into of [loopbackFirst, loopbackCached]) {
        const started = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        into.push(performance.now() - started);
        if (res.status !== 200) throw new Error(`loopback renderer answered ${res.status}`);
      }
    }
    await served.close();
    return { first: range(first), cached: range(cached), loopbackFirst: range(loopbackFirst), loopbackCached: range(loopbackCached) };
  } finally {
    s3.destroy();
    await emulators.stop();
  }
}

async function pageBytes(): Promise<Record<string, number>> {
  const { S3Client: Client } = await import('@aws-sdk/client-s3');
  const { getObjectSigner } = await import('../src/gallery/presign.js');
  const { toGalleryImage } = await import('../src/gallery/load-images.js');
  const { renderPage } = await import('../src/gallery/render-page.js');
  const { rgbaToThumbHash } = await import('thumbhash');
  const sign = getObjectSigner(new Client({ region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'x' } }), 900);
  const where = { table: 't', originalsBucket: 'thumbs-default-originals-123456789012', thumbnailsBucket: 'thumbs-default-thumbnails-123456789012' };
  const hashes: string[] = [];
  for (const angle of [0, 90, 180, 270]) for (const name of ['skimage_chelsea.png', 'skimage_coffee.png', 'skimage_rocket.jpg', 'skimage_coins.png', 'skimage_camera.png']) {
    const { data, info } = await sharp(path.join(ROOT, 'images', name)).rotate(angle).resize(100, 100, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    hashes.push(Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64'));
  }
  const images = await Promise.all(Array.from({ length: 100 }, (_, i) => toGalleryImage(sign, where, {
    imageKey: `trip/IMG_${1000 + i}.jpg`, status: 'done', width: 4032, height: 3024, bytes: 2_400_000, format: 'jpeg', thumbhash: hashes[i % hashes.length],
    processedAt: '2030-01-01T00:00:00.000Z', renditions: [128, 512, 1024].map((box) => ({ name: String(box), key: `${box}/trip/IMG_${1000 + i}.webp`, width: box, height: (box * 3) / 4, bytes: box * 40, format: 'webp' })),
  })));
  const html = Buffer.from(renderPage({ mode: 'live', stack: 'default', images, total: 100, q: '', expiresAt: '2030-01-01T00:15:00.000Z' }));
  return { raw: html.length, brotli5: brotliCompressSync(html, { params: { [(await import('node:zlib')).constants.BROTLI_PARAM_QUALITY]: 5 } }).length, gzip6: gzipSync(html, { level: 6 }).length };
}

export default async function bench(): Promise<Record<string, unknown>> {
  const { jpeg, heic } = await twelveMegapixels();
  const result: Record<string, unknown> = {
    onRequest780Webp: await onRequest(jpeg),
    renditionsJpegWebp: await renditionTimes(jpeg, 'webp:128,webp:512,webp:1024'),
    renditionsJpegAvif: await renditionTimes(jpeg, 'avif:128,avif:512,avif:1024'),
    ...(heic ? { renditionsHeicWebp: await renditionTimes(heic, 'webp:128,webp:512,webp:1024') } : { heic: 'skipped: heif-enc not installed (apt-get install libheif-examples)' }),
    galleryPage100CardsBytes: await pageBytes(),
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await bench();
