import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectImage, REASONS } from '../../../src/upload/detect-image.js';
import { PHOTOS_DIR as corpus } from '../../helpers/photos.js';

async function scratch(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-detect-'));
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('detectImage', () => {
  it('keeps a real JPEG and PNG with their content types', async () => {
    expect(await detectImage(path.join(corpus, 'lomiri_Picture_1A_by_freespace.jpg'), 1)).toEqual({ image: true, contentType: 'image/jpeg', format: 'jpeg' });
    expect(await detectImage(path.join(corpus, 'skimage_coins.png'), 1)).toEqual({ image: true, contentType: 'image/png', format: 'png' });
  });

  it('goes by content, not by the extension', async () => {
    const text = await scratch('photo.jpg', 'this is not a photo\n');
    expect(await detectImage(text, 20)).toEqual({ image: false, reason: REASONS.notImage });
  });

  it('reports a zero-byte file as empty without reading it', async () => {
    const empty = await scratch('empty.jpg', '');
    expect(await detectImage(empty, 0)).toEqual({ image: false, reason: 'empty file' });
  });

  it('names HEIC as unsupported and says to convert it', async () => {
    const header = Buffer.alloc(64);
    header.writeUInt32BE(24, 0);
    header.write('ftypheic', 4, 'latin1');
    header.write('mif1heic', 16, 'latin1');
    const heic = await scratch('IMG_0001.HEIC', header);
    const found = await detectImage(heic, header.length);
    expect(found).toEqual({ image: false, reason: REASONS.heic });
    expect(REASONS.heic).toContain('convert to JPEG');
  });
});
