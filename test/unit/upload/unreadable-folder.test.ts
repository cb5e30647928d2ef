import type * as fsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Permissions do not stop root, so the refusal is simulated for one folder. */
const refused = new Set<string>();
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  return {
    ...actual,
    readdir: (async (dir: string, options: never) => {
      if (refused.has(path.resolve(dir))) throw Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), { code: 'EACCES' });
      return actual.readdir(dir, options);
    }) as typeof actual.readdir,
  };
});

const { walkFolder, unreadableFolderReason } = await import('../../../src/upload/walk-folder.js');

afterEach(() => refused.clear());

describe('an unreadable folder', () => {
  it('inside the upload: reported as skipped, and everything else is still found', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-walk-'));
    await mkdir(path.join(dir, 'private'));
    await writeFile(path.join(dir, 'private', 'a.jpg'), 'x');
    await writeFile(path.join(dir, 'b.jpg'), 'x');
    refused.add(path.join(dir, 'private'));
    const listing = await walkFolder(dir);
    expect(listing.files.map((f) => f.relative)).toEqual(['b.jpg']);
    expect(listing.skipped).toEqual([{ path: path.join(dir, 'private'), reason: unreadableFolderReason('EACCES') }]);
  });

  it('given as the folder: a user error naming it, with a hint', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-walk-'));
    refused.add(dir);
    await expect(walkFolder(dir)).rejects.toMatchObject({ code: 'folder-unreadable', exitCode: 2, hint: expect.stringContaining('permissions') });
  });
});
