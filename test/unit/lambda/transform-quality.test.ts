import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { ssim } from 'ssim.js';
import { describe, expect, it } from 'vitest';
import { parseRenditions } from '../../../lambda/config.js';
import { transform } from '../../../lambda/transform.js';

// The WebP encoder runs at a reduced effort for speed (lambda/transform.ts); this guards what that may
// cost: against a lossless rendition of the very same pixels, the WebP must stay close and small.
const photos = ['lomiri_friends_by_Aitzol_Berasategi.jpg', 'skimage_astronaut.png'];

async function rgba(body: Buffer): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  const { data, info } = await sharp(body).toColourspace('srgb').ensureAlpha(1).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

describe('transform output quality', () => {
  it.each(photos)('%s: each WebP is within SSIM 0.97 of the lossless rendition and a fraction of its size', async (name) => {
    const input = readFileSync(resolve('images', name));
    const run = (format: string) =>
      transform(input, { renditions: parseRenditions(`${format}:512,${format}:1024`), quality: 80, maxPixels: 100_000_000 });
    const [lossy, lossless] = await Promise.all([run('webp'), run('png')]);
    expect(lossy.renditions.map((r) => r.name)).toEqual(['512', '1024']);
    for (const [i, webp] of lossy.renditions.entries()) {
      const png = lossless.renditions[i]!;
      const score = ssim(await rgba(png.body), await rgba(webp.body), { ssim: 'weber', downsample: false }).mssim;
      expect(score, `${name} @${webp.name}`).toBeGreaterThan(0.97);
      expect(webp.bytes, `${name} @${webp.name}`).toBeLessThan(png.bytes / 4);
    }
  });
});
