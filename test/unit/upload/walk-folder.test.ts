import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isThumbsError } from '../../../src/errors.js';
import { LINK_REASONS, walkFolder } from '../../../src/upload/walk-folder.js';

async function tree() {
  const base = await mkdtemp(path.join(os.tmpdir(), 'thumbs-walk-'));
  const root = path.join(base, 'photos');
  const outside = path.join(base, 'secret');
  await mkdir(path.join(root, 'a', 'b'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, 'passwords.jpg'), 'x');
  await writeFile(path.join(root, 'top.jpg'), 'top');
  await writeFile(path.join(root, 'a', 'b', 'deep.png'), 'deep!');
  await symlink(outside, path.join(root, 'link-out'));
  await symlink(path.join(outside, 'passwords.jpg'), path.join(root, 'a', 'file-out.jpg'));
  await symlink(path.join(root, 'top.jpg'), path.join(root, 'same.jpg'));
  return { root };
}

describe('walkFolder', () => {
  it('finds files in nested folders, with their sizes and relative paths', async () => {
    const { root } = await tree();
    const listing = await walkFolder(root);
    expect(listing.files.map((f) => [f.relative, f.size])).toEqual([
      [path.join('a', 'b', 'deep.png'), 5],
      ['top.jpg', 3],
    ]);
    expect(listing.files[1]?.path).toBe(path.join(root, 'top.jpg'));
  });

  it('never follows a symlink out of the folder and names each skipped link with its reason', async () => {
    const { root } = await tree();
    const listing = await walkFolder(root);
    expect(listing.files.some((f) => f.relative.includes('passwords'))).toBe(false);
    expect(listing.skipped).toEqual(expect.arrayContaining([
      { path: path.join(root, 'link-out'), reason: LINK_REASONS.outside },
      { path: path.join(root, 'a', 'file-out.jpg'), reason: LINK_REASONS.outside },
      { path: path.join(root, 'same.jpg'), reason: LINK_REASONS.inside },
    ]));
    expect(listing.skipped).toHaveLength(3);
  });

  it('names the path when the folder is missing or is a file', async () => {
    const { root } = await tree();
    const missing = path.join(root, 'nope');
    await expect(walkFolder(missing)).rejects.toSatisfy((e) => isThumbsError(e) && e.code === 'folder-not-found' && e.message.includes(missing));
    const file = path.join(root, 'top.jpg');
    await expect(walkFolder(file)).rejects.toSatisfy((e) => isThumbsError(e) && e.code === 'not-a-folder' && e.message.includes(file));
  });
});
