import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTypeFromBuffer } from 'file-type';
import { detectImage, isPlainJpeg, REASONS } from '../../../src/upload/detect-image.js';
import { FIXTURES_DIR, PHOTOS_DIR as corpus } from '../../helpers/photos.js';

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

  it('keeps a HEIC photo (the function decodes it) with its content type', async () => {
    expect(await detectImage(path.join(FIXTURES_DIR, 'rotated-irot-6_skimage_rocket.heic'), 1)).toEqual({ image: true, contentType: 'image/heic', format: 'heic' });
  });

  it('names a HEIF image sequence as unsupported and says what to export instead', async () => {
    const header = Buffer.alloc(64);
    header.writeUInt32BE(24, 0);
    header.write('ftyphevc', 4, 'latin1');
    header.write('msf1hevc', 16, 'latin1');
    const burst = await scratch('IMG_0001.HEIC', header);
    expect(await detectImage(burst, header.length)).toEqual({ image: false, reason: REASONS.heicSequence });
    expect(REASONS.heicSequence).toContain('export the photo');
  });

  it('answers a JPEG in memory as file-type does without loading it, and leaves JPEG-LS and a bare start marker to file-type', async () => {
    const photo = await readFile(path.join(corpus, 'lomiri_Picture_1A_by_freespace.jpg'));
    expect(isPlainJpeg(photo)).toBe(true);
    expect(await detectImage('in-memory.jpg', photo.length, photo)).toEqual({ image: true, contentType: 'image/jpeg', format: 'jpeg' });
    expect((await fileTypeFromBuffer(photo))?.mime).toBe('image/jpeg');
    const jpegLs = Buffer.from([0xff, 0xd8, 0xff, 0xf7, ...Buffer.alloc(60)]);
    expect(isPlainJpeg(jpegLs)).toBe(false);
    expect((await fileTypeFromBuffer(jpegLs))?.mime).toBe('image/jls');
    expect(await detectImage('scan.jls', jpegLs.length, jpegLs)).toEqual({ image: false, reason: `${REASONS.notImage} (image/jls)` });
    expect(isPlainJpeg(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
  });
});
