import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseRenditions } from '../../../lambda/config.js';
import { PermanentError } from '../../../lambda/failures.js';
import { transform } from '../../../lambda/transform.js';
import type { TransformOptions } from '../../../lambda/transform.js';

const corpus = (name: string) => readFileSync(resolve('../shared/corpus', name));
const options: TransformOptions = { renditions: parseRenditions('webp:128,webp:512,webp:1024'), quality: 80, maxPixels: 100_000_000 };

/** Expected size when fitting w x h inside box x box without enlarging. */
function fit(w: number, h: number, box: number): [number, number] {
  const scale = Math.min(1, box / Math.max(w, h));
  return [Math.round(w * scale), Math.round(h * scale)];
}

async function rejection(promise: Promise<unknown>): Promise<PermanentError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PermanentError);
  return err as PermanentError;
}

describe('transform', () => {
  it.each([
    ['lomiri_Bridge_by_Sander_Klootwijk.jpg', 'jpeg', 4352, 2448],
    ['lomiri_Wine_by_Jakkub_Mede.jpg', 'jpeg', 2560, 3837],
    ['skimage_coins.png', 'png', 384, 303],
    ['opencv_baboon.jpg', 'jpeg', 512, 512],
  ])('%s: every rendition has the right size and decodes as its format', async (name, format, width, height) => {
    const result = await transform(corpus(name), options);
    expect(result).toMatchObject({ format, width, height });
    expect(result.renditions.map((r) => r.name)).toEqual(['128', '512', '1024']);
    for (const r of result.renditions) {
      const [w, h] = fit(width, height, Number(r.name));
      expect([r.width, r.height], `${name} @${r.name}`).toEqual([w, h]);
      expect(r).toMatchObject({ format: 'webp', contentType: 'image/webp', bytes: r.body.length });
      const meta = await sharp(r.body).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: w, height: h });
    }
  });

  it('writes each requested format', async () => {
    const renditions = parseRenditions('jpeg:64,png:96,avif:100,webp:200');
    const result = await transform(corpus('skimage_chelsea.png'), { ...options, renditions });
    const formats = await Promise.all(result.renditions.map(async (r) => (await sharp(r.body).metadata()).format));
    expect(formats).toEqual(['jpeg', 'png', 'heif', 'webp']);
    expect(result.renditions.map((r) => r.contentType)).toEqual(['image/jpeg', 'image/png', 'image/avif', 'image/webp']);
    expect(result.renditions.map((r) => [r.width, r.height])).toEqual([[64, 43], [96, 64], [100, 67], [200, 133]]);
  });

  it('never enlarges a small input', async () => {
    const result = await transform(corpus('opencv_butterfly.jpg'), options);
    expect(result.renditions.map((r) => [r.width, r.height])).toEqual([[128, 92], [493, 356], [493, 356]]);
  });

  it('auto-orients from EXIF: a landscape photo tagged orientation 6 comes out portrait', async () => {
    const rotated = await sharp(corpus('opencv_home.jpg')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    const result = await transform(rotated, options);
    expect([result.width, result.height]).toEqual([384, 512]);
    for (const r of result.renditions) {
      expect(r.height).toBeGreaterThan(r.width);
      const meta = await sharp(r.body).metadata();
      expect(meta.height).toBeGreaterThan(meta.width);
      expect(meta.orientation).toBeUndefined();
    }
  });

  it('strips metadata (EXIF, ICC, XMP) from every rendition', async () => {
    const tagged = await sharp(corpus('opencv_home.jpg'))
      .withMetadata({ exif: { IFD0: { Copyright: 'secret owner' } } })
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const source = await sharp(tagged).metadata();
    expect(source.exif).toBeDefined();
    expect(source.icc).toBeDefined();
    const renditions = parseRenditions('jpeg:128,webp:256');
    for (const r of (await transform(tagged, { ...options, renditions })).renditions) {
      const meta = await sharp(r.body).metadata();
      expect(meta.exif, r.name).toBeUndefined();
      expect(meta.icc, r.name).toBeUndefined();
      expect(meta.xmp, r.name).toBeUndefined();
      expect(r.body.includes('secret owner')).toBe(false);
    }
  });

  it('flattens transparency on white for JPEG', async () => {
    const transparent = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const [jpeg] = (await transform(transparent, { ...options, renditions: parseRenditions('jpeg:20') })).renditions;
    const { data } = await sharp(jpeg!.body).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeGreaterThan(240);
  });

  it('refuses a text file as not an image', async () => {
    const err = await rejection(transform(Buffer.from('hello, this is not a photo\n'), options));
    expect(err.reason).toBe('not an image or unsupported format');
  });

  it('refuses an empty file', async () => {
    expect((await rejection(transform(Buffer.alloc(0), options))).reason).toBe('empty file');
  });

  it('refuses a truncated JPEG', async () => {
    const full = corpus('opencv_baboon.jpg');
    const err = await rejection(transform(full.subarray(0, Math.floor(full.length / 2)), options));
    expect(err.reason).toMatch(/truncated|corrupt/);
  });

  it('refuses an image over the pixel limit before decoding it', async () => {
    const err = await rejection(transform(corpus('opencv_baboon.jpg'), { ...options, maxPixels: 512 * 511 }));
    expect(err.reason).toMatch(/^over pixel limit/);
  });

  it('refuses SVG: documents are not photos', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect((await rejection(transform(svg, options))).reason).toBe('unsupported format: svg');
  });
});
