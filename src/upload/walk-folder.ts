import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ThumbsError } from '../errors.js';

export interface FoundFile {
  /** As the user would type it: the folder argument joined with the relative path. */
  path: string;
  /** Relative to the folder, with the platform's separator. */
  relative: string;
  size: number;
}

export interface Skipped {
  path: string;
  reason: string;
}

export interface FolderListing {
  files: FoundFile[];
  skipped: Skipped[];
}

export const LINK_REASONS = {
  outside: 'symlink pointing outside the folder (not followed)',
  inside: 'symlink (not followed; its target inside the folder is uploaded under its own name)',
  broken: 'broken symlink',
  special: 'not a regular file',
} as const;

/** A subfolder that cannot be listed is reported like a skipped file and the rest is uploaded: one bad folder must not stop a backup. */
export const unreadableFolderReason = (code: string | undefined) => `folder not readable (${code ?? 'error'}); nothing in it was uploaded`;

/** The folder's real path, or a ThumbsError naming what the user typed. */
async function resolveRoot(dir: string): Promise<string> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ThumbsError('folder-not-found', `folder "${dir}" does not exist${code === 'ENOENT' ? '' : ` (${code})`}`, {
      hint: 'Give the folder of images to upload, e.g. `thumbs upload ./images`.',
      exitCode: 2,
    });
  }
  if (!info.isDirectory()) {
    throw new ThumbsError('not-a-folder', `"${dir}" is a file, not a folder`, {
      hint: `Give the folder that holds it, e.g. \`thumbs upload ${path.dirname(dir)}\`.`,
      exitCode: 2,
    });
  }
  return realpath(dir);
}

/**
 * Every regular file under `dir`, recursively. Symlinks are never followed, so nothing outside
 * the folder can be uploaded by accident (a link to ~ would otherwise publish a home folder);
 * each one is reported with the reason it was skipped.
 */
export async function walkFolder(dir: string): Promise<FolderListing> {
  const root = await resolveRoot(dir);
  const listing: FolderListing = { files: [], skipped: [] };
  await visit(root, '', dir, listing);
  listing.files.sort((a, b) => a.relative.localeCompare(b.relative));
  listing.skipped.sort((a, b) => a.path.localeCompare(b.path));
  return listing;
}

/** Entries of one folder are examined concurrently: a folder of 1,000 photos is 1,000 stat calls. */
async function visit(root: string, relativeDir: string, shown: string, listing: FolderListing): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(root, relativeDir), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (relativeDir === '') {
      throw new ThumbsError('folder-unreadable', `cannot read folder "${shown}" (${code ?? (error as Error).message})`, {
        hint: 'Give a folder you can read, or fix its permissions (e.g. chmod u+rx).',
        exitCode: 2,
        cause: error,
      });
    }
    listing.skipped.push({ path: path.join(shown, relativeDir), reason: unreadableFolderReason(code) });
    return;
  }
  await Promise.all(entries.map(async (entry) => {
    const relative = path.join(relativeDir, entry.name);
    const display = path.join(shown, relative);
    if (entry.isDirectory()) await visit(root, relative, shown, listing);
    else if (entry.isFile()) listing.files.push({ path: display, relative, size: (await lstat(path.join(root, relative))).size });
    else listing.skipped.push({ path: display, reason: await skipReason(entry, path.join(root, relative), root) });
  }));
}

async function skipReason(entry: Dirent, file: string, root: string): Promise<string> {
  if (!entry.isSymbolicLink()) return LINK_REASONS.special;
  let target: string;
  try {
    target = await realpath(file);
  } catch {
    return LINK_REASONS.broken;
  }
  const inside = target === root || target.startsWith(`${root}${path.sep}`);
  return inside ? LINK_REASONS.inside : LINK_REASONS.outside;
}
