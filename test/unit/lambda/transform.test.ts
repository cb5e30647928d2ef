import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseRenditions } from '../../../lambda/config.js';
import { PermanentError } from '../../../lambda/failures.js';
import { transform } from '../../../lambda/transform.js';
import type { TransformOptions } from '../../../lambda/transform.js';
import { photo as corpus } from '../../helpers/photos.js';

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
    ['lomiri_Picture_1A_by_freespace.jpg', 'jpeg', 1365, 1074],
    ['lomiri_Wine_by_Jakkub_Mede.jpg', 'jpeg', 2560, 3837],
    ['skimage_coins.png', 'png', 384, 303],
    ['skimage_rocket.jpg', 'jpeg', 640, 427],
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
    const result = await transform(corpus('skimage_rocket.jpg'), options);
    expect(result.renditions.map((r) => [r.width, r.height])).toEqual([[128, 85], [512, 342], [640, 427]]);
  });

  it('auto-orients from EXIF: a landscape photo tagged orientation 6 comes out portrait', async () => {
    const rotated = await sharp(corpus('skimage_rocket.jpg')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    const result = await transform(rotated, options);
    expect([result.width, result.height]).toEqual([427, 640]);
    for (const r of result.renditions) {
      expect(r.height).toBeGreaterThan(r.width);
      const meta = await sharp(r.body).metadata();
      expect(meta.height).toBeGreaterThan(meta.width);
      expect(meta.orientation).toBeUndefined();
    }
  });

  it('strips metadata (EXIF, ICC, XMP) from every rendition', async () => {
    const tagged = await sharp(corpus('skimage_rocket.jpg'))
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
    const full = corpus('skimage_rocket.jpg');
    const err = await rejection(transform(full.subarray(0, Math.floor(full.length / 2)), options));
    expect(err.reason).toMatch(/truncated|corrupt/);
  });

  it('refuses an image over the pixel limit before decoding it', async () => {
    const err = await rejection(transform(corpus('skimage_rocket.jpg'), { ...options, maxPixels: 640 * 427 - 1 }));
    expect(err.reason).toMatch(/^over pixel limit/);
  });

  it('refuses SVG: documents are not photos', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect((await rejection(transform(svg, options))).reason).toBe('unsupported format: svg');
  });
});
