import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
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
  const queue = { arn: 'arn:aws:sqs:us-east-1:000000000000:q', created: '1700000000' };
  const open = (dir: string, more: Partial<Parameters<typeof SentJournal.open>[2]> = {}) => SentJournal.open(dir, 'default', { queue, bucket: 'b', ...more });

  it('remembers accepted entries across opens, keeps unanswered batches uncertain, and ignores a torn last line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-journal-'));
    const journal = await open(dir);
    await journal.intend('r:1', [['a b+c.jpg', 'e1'], ['x.jpg', 'ex']]);
    await journal.accepted('r:1', [['a b+c.jpg', 'e1']]);
    await journal.intend('r:2', [['y.jpg', 'ey']]);
    await journal.close();
    await writeFile(journal.file, '{"i":"r:3","m":[["torn', { flag: 'a' });
    const again = await open(dir);
    expect(again.discarded).toBeUndefined();
    expect(again.has('a b+c.jpg', 'e1')).toBe(true);
    expect(again.has('a b+c.jpg', 'e2')).toBe(false);
    expect(again.has('x.jpg', 'ex')).toBe(false);
    // r:1 was answered (x.jpg refused, so unsent); r:2 never was.
    expect([...again.uncertain]).toEqual([['y.jpg', 'ey']]);
    await again.settle([['y.jpg', 'ey']]);
    await again.close();
    expect((await open(dir)).has('y.jpg', 'ey')).toBe(true);
  });

  it('discards a journal of another queue, of the same queue created again, of another bucket, or without a queue', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-journal-'));
    const first = await open(dir);
    await first.accepted('r:1', [['k.jpg', 'e']]);
    await first.close();
    expect((await open(dir, { persist: false })).has('k.jpg', 'e')).toBe(true);
    const recreated = await open(dir, { queue: { ...queue, created: '1700000500' }, persist: false });
    expect(recreated.discarded).toContain('created at 1700000000');
    expect(recreated.has('k.jpg', 'e')).toBe(false);
    expect((await open(dir, { bucket: 'other', persist: false })).discarded).toContain('bucket b');
    await writeFile(path.join(dir, 'default.sent.jsonl'), '{"bucket":"b","key":"k.jpg","etag":"e"}\n');
    const old = await open(dir);
    expect(old.discarded).toContain('earlier release');
    expect(old.has('k.jpg', 'e')).toBe(false);
    expect((await open(dir)).discarded).toBeUndefined();
  });

  it('stays compact: superseded lines are dropped when they outweigh the live ones', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-journal-'));
    const journal = await open(dir);
    for (let round = 0; round < 30; round += 1) {
      await journal.intend(`r:${round}`, Array.from({ length: 100 }, (_, i) => [`k${i}.jpg`, `e${round}`] as const));
      await journal.accepted(`r:${round}`, Array.from({ length: 100 }, (_, i) => [`k${i}.jpg`, `e${round}`] as const));
    }
    await journal.close();
    const reopened = await open(dir);
    await reopened.close();
    const lines = (await readFile(reopened.file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(101);
    expect(reopened.has('k7.jpg', 'e29')).toBe(true);
    expect(reopened.size).toBe(100);
  });
});
