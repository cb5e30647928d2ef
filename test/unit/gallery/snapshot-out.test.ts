import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSnapshot } from '../../../src/gallery/snapshot.js';

const files = [{ path: 'index.html', body: Buffer.from('<!doctype html>'), contentType: 'text/html' }];

describe('publish --out', () => {
  it('refuses an existing file as a user error with a hint, leaving it alone', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'thumbs-out-')), 'taken');
    await writeFile(file, 'mine');
    await expect(writeSnapshot(file, files as never)).rejects.toMatchObject({ code: 'out-is-a-file', exitCode: 2, hint: expect.stringContaining('folder') });
    await expect(writeSnapshot(path.join(file, 'below'), files as never)).rejects.toMatchObject({ code: 'bad-out-dir', exitCode: 2 });
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it('writes into a folder, creating it', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'thumbs-out-')), 'site');
    await writeSnapshot(dir, files as never);
    expect(await readFile(path.join(dir, 'index.html'), 'utf8')).toBe('<!doctype html>');
  });
});
