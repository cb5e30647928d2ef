import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseRenditions } from '../../../lambda/config.js';
import { PermanentError } from '../../../lambda/failures.js';
import { transform } from '../../../lambda/transform.js';
import { fixture, photo } from '../../helpers/photos.js';

// The fixture: skimage_rocket.jpg (640x427 landscape) as HEVC in HEIF, stored unrotated with an `irot`
// of a quarter turn clockwise and an EXIF Orientation of 6 (what an iPhone writes): see test/fixtures/LICENSES.md.
const FIXTURE = 'rotated-irot-6_skimage_rocket.heic';
const options = { renditions: parseRenditions('webp:128,jpeg:512'), quality: 80, maxPixels: 100_000_000 };

/** Mean absolute difference per channel value of two images scaled to 8x12 RGB. */
async function distance(a: Buffer, b: Buffer): Promise<number> {
  const small = (input: Buffer) => sharp(input).removeAlpha().resize(8, 12, { fit: 'fill' }).raw().toBuffer();
  const [x, y] = await Promise.all([small(a), small(b)]);
  let sum = 0;
  for (let i = 0; i < x.length; i += 1) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

describe('transform: HEIC input', () => {
  it('is decoded (sharp alone cannot) into upright renditions: rotated once by irot, not again by EXIF', async () => {
    const heic = fixture(FIXTURE);
    const meta = await sharp(heic).metadata();
    expect(meta).toMatchObject({ format: 'heif', compression: 'hevc', width: 427, height: 640 });
    await expect(sharp(heic).toBuffer()).rejects.toThrow(/HEVC|compression format/i);

    const result = await transform(heic, options);
    expect(result).toMatchObject({ format: 'heic', width: 427, height: 640 });
    expect(result.renditions.map((r) => [r.format, r.width, r.height])).toEqual([
      ['webp', 86, 128],
      ['jpeg', 342, 512],
    ]);
    const clockwise = await sharp(photo('skimage_rocket.jpg')).rotate(90).toBuffer();
    const anticlockwise = await sharp(photo('skimage_rocket.jpg')).rotate(270).toBuffer();
    const rendition = result.renditions[1]!.body;
    expect(await distance(rendition, clockwise)).toBeLessThan(6);
    expect(await distance(rendition, anticlockwise)).toBeGreaterThan(20);
    expect((await sharp(rendition).metadata()).orientation).toBeUndefined();
  });

  it('refuses a HEIC over the pixel limit', async () => {
    const err = await transform(fixture(FIXTURE), { ...options, maxPixels: 427 * 640 - 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).reason).toMatch(/^over pixel limit/);
  });

  it('refuses a truncated HEIC as a permanent failure', async () => {
    const err = await transform(fixture(FIXTURE).subarray(0, 4000), options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
  });
});
