import { describe, expect, it } from 'vitest';
import { loadConfig, parseRenditions } from '../../../lambda/config.js';
import { classifyFailure, imageFailure, isMissingObject, isPreconditionFailed, PermanentError } from '../../../lambda/failures.js';
import { renditionKey } from '../../../lambda/keys.js';

const base = { THUMBS_THUMBNAILS_BUCKET: 'thumbs', THUMBS_TABLE: 'images' };

describe('loadConfig', () => {
  it('applies the defaults', () => {
    expect(loadConfig(base)).toEqual({
      thumbnailsBucket: 'thumbs',
      table: 'images',
      renditions: [
        { format: 'webp', size: 128 },
        { format: 'webp', size: 512 },
        { format: 'webp', size: 1024 },
      ],
      quality: 80,
      maxPixels: 100_000_000,
      maxBytes: 50 * 1024 * 1024,
      concurrency: 4,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...base,
      THUMBS_RENDITIONS: 'jpeg:200, avif:800',
      THUMBS_QUALITY: '70',
      THUMBS_MAX_PIXELS: '1000',
      THUMBS_MAX_BYTES: '2000',
      THUMBS_CONCURRENCY: '2',
    });
    expect(config).toMatchObject({ quality: 70, maxPixels: 1000, maxBytes: 2000, concurrency: 2 });
    expect(config.renditions).toEqual([{ format: 'jpeg', size: 200 }, { format: 'avif', size: 800 }]);
  });

  it.each([
    [{ THUMBS_TABLE: 'images' }, /THUMBS_THUMBNAILS_BUCKET is required/],
    [{ THUMBS_THUMBNAILS_BUCKET: 'thumbs' }, /THUMBS_TABLE is required/],
    [{ ...base, THUMBS_QUALITY: '101' }, /THUMBS_QUALITY="101" is invalid/],
    [{ ...base, THUMBS_CONCURRENCY: 'many' }, /THUMBS_CONCURRENCY/],
    [{ ...base, THUMBS_RENDITIONS: 'gif:100' }, /"gif:100" is invalid/],
    [{ ...base, THUMBS_RENDITIONS: 'webp:0' }, /invalid size/],
    [{ ...base, THUMBS_RENDITIONS: 'webp:128,jpeg:128' }, /twice/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts jpg as jpeg', () => {
    expect(parseRenditions('jpg:100')).toEqual([{ format: 'jpeg', size: 100 }]);
  });
});

describe('renditionKey', () => {
  it.each([
    ['holiday/beach 1.jpg', 'webp', 128, '128/holiday/beach 1.webp'],
    ['a.b/c', 'jpeg', 512, '512/a.b/c.jpeg'],
    ['dir/.hidden', 'png', 64, '64/dir/.hidden.png'],
    ['café+東京.tar.png', 'avif', 1024, '1024/café+東京.tar.avif'],
  ] as const)('%s -> %s', (key, format, size, expected) => {
    expect(renditionKey(key, { format, size })).toBe(expected);
  });
});

describe('classifyFailure', () => {
  const aws = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  it.each([
    [new PermanentError('truncated image'), 'permanent', 'truncated image'],
    // Whether a 404 is the input's fault depends on the call, so classifyFailure alone retries it.
    [aws('NoSuchKey', 404), 'transient', /NoSuchKey/],
    [aws('NoSuchBucket', 404), 'transient', /NoSuchBucket/],
    [aws('AccessDenied', 403), 'transient', /AccessDenied/],
    [imageFailure(new Error('VipsJpeg: out of memory')), 'transient', /out of memory/],
    [imageFailure(new Error('vips_tracked_malloc: memory allocation of 123 bytes failed')), 'transient', /out of memory/],
    [imageFailure(new Error('write: ENOMEM')), 'transient', /out of memory/],
    [imageFailure(new Error('Input buffer contains unsupported image format')), 'permanent', 'not an image or unsupported format'],
    [aws('SlowDown', 503), 'transient', /throttled/],
    [aws('ThrottlingException', 400), 'transient', /throttled/],
    [aws('InternalServerError', 500), 'transient', /server error 500/],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient', /ECONNRESET/],
    [new Error('something odd'), 'transient', /something odd/],
  ])('%s is %s', (err, kind, reason) => {
    const failure = classifyFailure(err);
    expect(failure.kind).toBe(kind);
    expect(failure.reason).toMatch(reason);
  });
});

describe('S3 error tests', () => {
  const aws = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  it('counts a missing key as a missing object, but not a missing bucket', () => {
    expect([aws('NoSuchKey', 404), aws('NotFound', 404), aws('NoSuchBucket', 404), aws('AccessDenied', 403)].map(isMissingObject)).toEqual([
      true, true, false, false,
    ]);
  });

  it('recognises a failed If-Match', () => {
    expect([aws('PreconditionFailed', 412), aws('NoSuchKey', 404)].map(isPreconditionFailed)).toEqual([true, false]);
  });
});
