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

export const unreadableFolderReason = (code: string | undefined) => `folder not readable (${code ?? 'error'}); nothing in it was uploaded`;

/**
 * A folder's entries, or the error code of a subfolder that cannot be read: that one is reported
 * as skipped so the rest of the upload goes on. The folder given is a usage error.
 */
async function listFolder(root: string, relativeDir: string, shown: string): Promise<{ entries: Dirent[] } | { unreadable: string | undefined }> {
  try {
    return { entries: await readdir(path.join(root, relativeDir), { withFileTypes: true }) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (relativeDir !== '') return { unreadable: code };
    throw new ThumbsError('folder-unreadable', `cannot read folder "${shown}" (${code ?? (error as Error).message})`, {
      hint: 'Give a folder you can read, or fix its permissions (e.g. chmod u+rx).',
      exitCode: 2,
      cause: error,
    });
  }
}

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

export type WalkEntry = { file: FoundFile; skipped?: undefined } | { skipped: Skipped; file?: undefined };

/** Entries whose lstat or link check run at once: enough to hide the file system's latency, few enough to stay flat. */
const STAT_CHUNK = 64;

/**
 * Every regular file under `dir`, recursively, in path order, yielded as it is found: only the
 * listing of each folder on the current path is held, so a folder of 100,000 photos costs no
 * more memory than one of 1,000 beyond its own names. Symlinks are never followed, so nothing
 * outside the folder can be uploaded by accident (a link to ~ would otherwise publish a home
 * folder); each one is yielded as skipped with its reason. `onFolder` sees each folder's file
 * names before its files are yielded (thumbnail name clashes are found per folder).
 */
export async function* walkFiles(dir: string, onFolder?: (relativeDir: string, names: string[]) => void): AsyncGenerator<WalkEntry> {
  const root = await resolveRoot(dir);
  yield* visit(root, '', dir, onFolder);
}

async function* visit(root: string, relativeDir: string, shown: string, onFolder?: (relativeDir: string, names: string[]) => void): AsyncGenerator<WalkEntry> {
  const listed = await listFolder(root, relativeDir, shown);
  if ('unreadable' in listed) {
    yield { skipped: { path: path.join(shown, relativeDir), reason: unreadableFolderReason(listed.unreadable) } };
    return;
  }
  const { entries } = listed;
  entries.sort((a, b) => a.name.localeCompare(b.name));
  onFolder?.(relativeDir, entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
  for (let start = 0; start < entries.length; start += STAT_CHUNK) {
    const chunk = entries.slice(start, start + STAT_CHUNK);
    const described = await Promise.all(chunk.map((entry) => describe(entry, root, relativeDir, shown)));
    for (const [index, entry] of chunk.entries()) {
      if (entry.isDirectory()) yield* visit(root, path.join(relativeDir, entry.name), shown, onFolder);
      else if (described[index]) yield described[index];
    }
  }
}

async function describe(entry: Dirent, root: string, relativeDir: string, shown: string): Promise<WalkEntry | undefined> {
  if (entry.isDirectory()) return undefined;
  const relative = path.join(relativeDir, entry.name);
  const display = path.join(shown, relative);
  if (entry.isFile()) return { file: { path: display, relative, size: (await lstat(path.join(root, relative))).size } };
  return { skipped: { path: display, reason: await skipReason(entry, path.join(root, relative), root) } };
}

/** The whole listing at once, for callers that want it (small folders, tests). */
export async function walkFolder(dir: string): Promise<FolderListing> {
  const listing: FolderListing = { files: [], skipped: [] };
  for await (const entry of walkFiles(dir)) {
    if (entry.file) listing.files.push(entry.file);
    else listing.skipped.push(entry.skipped);
  }
  listing.files.sort((a, b) => a.relative.localeCompare(b.relative));
  listing.skipped.sort((a, b) => a.path.localeCompare(b.path));
  return listing;
}

/** How many regular files a walk will yield: the progress bar's total, counted from folder listings alone. */
export async function countFiles(dir: string): Promise<number> {
  const root = await resolveRoot(dir);
  let count = 0;
  const pending = [''];
  while (pending.length > 0) {
    const relativeDir = pending.pop() ?? '';
    const listed = await listFolder(root, relativeDir, dir);
    for (const entry of 'entries' in listed ? listed.entries : []) {
      if (entry.isDirectory()) pending.push(path.join(relativeDir, entry.name));
      else if (entry.isFile()) count += 1;
    }
  }
  return count;
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
