import sharp from 'sharp';
import { thumbHashToApproximateAspectRatio, thumbHashToAverageRGBA } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { placeholderOf, thumbHashOf } from '../../../lambda/placeholder.js';

const solid = (width: number, height: number, rgb: [number, number, number]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).webp().toBuffer();

describe('thumbHashOf', () => {
  it('makes a ThumbHash of about 25 bytes that keeps the colour and the aspect ratio', async () => {
    const hash = Buffer.from(await thumbHashOf(await solid(128, 64, [200, 30, 30])), 'base64');
    expect(hash.length).toBeGreaterThan(15);
    expect(hash.length).toBeLessThan(40);
    expect(thumbHashToApproximateAspectRatio(hash)).toBeCloseTo(2, 0);
    expect(thumbHashToAverageRGBA(hash).r).toBeGreaterThan(0.6);
  });
});

describe('placeholderOf', () => {
  it('hashes the smallest rendition', async () => {
    const small = { width: 64, height: 64, body: await solid(64, 64, [0, 0, 255]) };
    const large = { width: 256, height: 256, body: await solid(256, 256, [255, 0, 0]) };
    const { thumbhash } = await placeholderOf([large, small]);
    expect(thumbHashToAverageRGBA(Buffer.from(thumbhash!, 'base64')).b).toBeGreaterThan(0.6);
  });

  it('leaves the field out rather than failing the image', async () => {
    expect(await placeholderOf([{ width: 1, height: 1, body: Buffer.from('not an image') }])).toEqual({});
    expect(await placeholderOf([])).toEqual({});
  });
});
