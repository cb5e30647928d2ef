import { describe, expect, it } from 'vitest';
import { assertStackName, bucketNameProblem, stackNames } from '../../src/resources/names.js';

describe('stack and bucket names', () => {
  it('derives deterministic names from stack, account and region', () => {
    const names = stackNames('photos', '123456789012', 'eu-west-1');
    expect(names.originalsBucket).toBe('thumbs-photos-originals-123456789012-eu-west-1');
    expect(names.thumbnailsBucket).toBe('thumbs-photos-thumbnails-123456789012-eu-west-1');
    expect(names.table).toBe('thumbs-photos-images');
    expect(names.deadLetterQueue).toBe('thumbs-photos-jobs-dlq');
    expect(names.logGroup).toBe('/aws/lambda/thumbs-photos-thumbnailer');
  });

  it.each(['Photos', 'my_photos', '-x', 'x-', 'a--b', '1abc', '', 'x'.repeat(25)])('rejects stack name %j', (name) => {
    expect(() => assertStackName(name)).toThrow(/stack name/);
  });

  it('names the offending part when a stack name makes a bucket name too long', () => {
    expect(() => stackNames('a'.repeat(22), '123456789012', 'ap-southeast-2')).toThrow(/thumbnails bucket name .* is 68 characters long/);
    try {
      stackNames('a'.repeat(22), '123456789012', 'ap-southeast-2');
    } catch (error) {
      expect((error as { hint: string }).hint).toMatch(/Shorten --stack "a{22}" by at least 5 characters/);
    }
  });

  it('applies S3 bucket rules', () => {
    expect(bucketNameProblem('ok-bucket.name1')).toBeUndefined();
    expect(bucketNameProblem('ab')).toMatch(/3 to 63/);
    expect(bucketNameProblem('Upper')).toMatch(/"U"/);
    expect(bucketNameProblem('under_score')).toMatch(/"_"/);
    expect(bucketNameProblem('192.168.5.4')).toMatch(/IP address/);
    expect(bucketNameProblem('a..b')).toMatch(/"\.\."/);
    expect(bucketNameProblem('-start')).toMatch(/start and end/);
    expect(bucketNameProblem('xn--punycode')).toMatch(/reserves/);
  });
});
