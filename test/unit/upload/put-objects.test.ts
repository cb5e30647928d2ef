import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFile } from '../../../src/upload/put-objects.js';

async function scratch(content: Buffer): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'thumbs-read-')), 'photo.jpg');
  await writeFile(file, content);
  return file;
}

describe('readFile', () => {
  const content = Buffer.from('0123456789'.repeat(100));

  it('reads a small file at the size the walk saw', async () => {
    const file = await scratch(content);
    expect(await readFile(file, content.length)).toEqual(content);
  });

  it('reads the file as it is now when it grew or shrank since the walk', async () => {
    const file = await scratch(content);
    expect(await readFile(file, content.length - 10)).toEqual(content);
    expect(await readFile(file, content.length + 10)).toEqual(content);
    expect(await readFile(file, 0)).toEqual(content);
  });

  it('rejects for a file that is gone', async () => {
    await expect(readFile(path.join(os.tmpdir(), 'thumbs-no-such-file.jpg'), 10)).rejects.toThrow(/ENOENT/);
  });
});
