import { mkdir, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../../../src/fs/write-file-atomic.js';

const folder = () => mkdtemp(path.join(os.tmpdir(), 'thumbs-atomic-'));

describe('writeFileAtomic', () => {
  it('creates the folder, writes the whole file with the mode asked, and leaves no draft beside it', async () => {
    const dir = path.join(await folder(), 'a', 'b');
    await writeJsonAtomic(path.join(dir, 'state.json'), { stack: 'x' }, { mode: 0o600 });
    expect(await readFile(path.join(dir, 'state.json'), 'utf8')).toBe('{\n  "stack": "x"\n}\n');
    expect((await stat(path.join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('writes an iterable of chunks in order and replaces the previous version whole', async () => {
    const file = path.join(await folder(), 'journal.jsonl');
    await writeFileAtomic(file, 'old\n');
    await writeFileAtomic(file, (function* () { yield 'a\n'; yield 'b\n'; })());
    expect(await readFile(file, 'utf8')).toBe('a\nb\n');
  });

  it('removes its draft and keeps the old file when the rename fails', async () => {
    const dir = await folder();
    const target = path.join(dir, 'taken');
    await mkdir(path.join(target, 'inside'), { recursive: true });
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['taken']);
    expect(await readdir(target)).toEqual(['inside']);
  });
});
