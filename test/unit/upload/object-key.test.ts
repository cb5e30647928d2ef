import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizePrefix, objectKey, thumbnailNameClashes, unusableKey } from '../../../src/upload/object-key.js';

describe('objectKey', () => {
  it('keeps spaces and + as they are and uses / separators', () => {
    expect(objectKey(path.join('city walks', 'café+night 1.jpg'))).toBe('city walks/café+night 1.jpg');
  });

  it('normalises unicode to NFC so macOS (NFD) names give the same key', () => {
    const nfd = 'cafe\u0301.jpg';
    expect(objectKey(nfd)).toBe('caf\u00e9.jpg');
    expect(objectKey(nfd)).not.toBe(nfd);
  });

  it('puts the key under a prefix, however the prefix is written', () => {
    expect(objectKey('a.jpg', 'trip')).toBe('trip/a.jpg');
    expect(objectKey('a.jpg', '/trip/')).toBe('trip/a.jpg');
    expect(objectKey('a.jpg', '')).toBe('a.jpg');
    expect(normalizePrefix('2024/may//')).toBe('2024/may/');
  });
});

describe('thumbnailNameClashes', () => {
  it('groups keys that differ only by extension within one folder', () => {
    expect(thumbnailNameClashes(['a/beach.jpg', 'a/beach.png', 'b/beach.jpg', 'a/beach 2.jpg', 'noext', 'noext.tif'])).toEqual([
      ['a/beach.jpg', 'a/beach.png'],
      ['noext', 'noext.tif'],
    ]);
    expect(thumbnailNameClashes(['x.v1/photo', 'x.v1/photo.jpg'])).toEqual([['x.v1/photo', 'x.v1/photo.jpg']]);
    expect(thumbnailNameClashes(['one.jpg', 'two.jpg'])).toEqual([]);
  });
});

describe('unusableKey', () => {
  it('refuses keys longer than 1,024 UTF-8 bytes and keys under the stack\'s reserved prefix, and nothing else', () => {
    expect(unusableKey('é'.repeat(512))).toBeUndefined();
    expect(unusableKey(`${'é'.repeat(512)}x`)).toMatch(/^its key is 1025 bytes in UTF-8, S3 allows at most 1024/);
    expect(unusableKey('#thumbs/record')).toMatch(/^its key starts with #thumbs\//);
    expect(unusableKey('#thumbs-fans/a.jpg')).toBeUndefined();
    expect(unusableKey('photos/#thumbs/a.jpg')).toBeUndefined();
  });
});
