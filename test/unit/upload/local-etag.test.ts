import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bareEtag, localEtag } from '../../../src/upload/local-etag.js';
import { SentJournal } from '../../../src/upload/sent-journal.js';

const md5 = (data: Buffer) => createHash('md5').update(data).digest();

describe('localEtag', () => {
  it('is the MD5 for a single PUT and md5(part md5s)-N for a multipart upload', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-etag-'));
    const data = Buffer.from(Array.from({ length: 2500 }, (_, i) => i % 251));
    const file = path.join(dir, 'f.bin');
    await writeFile(file, data);
    expect(await localEtag(file, data.length, 4096)).toBe(md5(data).toString('hex'));
    const parts = [data.subarray(0, 1000), data.subarray(1000, 2000), data.subarray(2000)];
    const expected = `${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-3`;
    expect(await localEtag(file, data.length, 1000)).toBe(expected);
  });

  it('strips quotes from S3 ETags', () => {
    expect(bareEtag('"abc-2"')).toBe('abc-2');
    expect(bareEtag(undefined)).toBe('');
  });
});

describe('SentJournal', () => {
  it('remembers sent (bucket, key, etag) across opens and ignores a torn last line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-journal-'));
    const journal = await SentJournal.open(dir, 'default');
    await journal.append([{ bucket: 'b', key: 'a b+c.jpg', etag: 'e1' }]);
    await writeFile(journal.file, '{"bucket":"b","key":"torn', { flag: 'a' });
    const again = await SentJournal.open(dir, 'default');
    expect(again.has({ bucket: 'b', key: 'a b+c.jpg', etag: 'e1' })).toBe(true);
    expect(again.has({ bucket: 'b', key: 'a b+c.jpg', etag: 'e2' })).toBe(false);
  });
});
