import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';

/** One file of the zip: its path inside the archive (forward slashes) and where to read it. */
export interface ZipEntry {
  name: string;
  source: string;
}

/** DOS time cannot go below 1980; any fixed instant makes the bytes independent of when files were written. */
const FIXED_DATE = new Date('1980-01-01T00:00:00Z');
const FILE_MODE = 0o644;

/** Nothing Lambda needs at run time: type declarations, sharp's C++ sources, npm's own bookkeeping. */
function keep(relative: string): boolean {
  if (relative === '.package-lock.json' || relative.split('/').includes('.bin')) return false;
  if (/^sharp\/(src|install)\//.test(relative)) return false;
  return !/\.d\.[cm]?ts$/.test(relative) && !/(^|\/)README(\.md)?$/i.test(relative);
}

/** Regular files under `dir`, as zip entries under `prefix`; symlinks are skipped because Lambda rejects them. */
export async function listTree(dir: string, prefix: string): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  for (const relative of await readdir(dir, { recursive: true })) {
    const source = path.join(dir, relative);
    const posix = relative.split(path.sep).join('/');
    if (!keep(posix)) continue;
    const stats = await lstat(source);
    if (stats.isFile()) entries.push({ name: `${prefix}${posix}`, source });
  }
  return entries;
}

/**
 * Writes a zip whose bytes depend only on the entries' names and contents: sorted entries, one
 * fixed timestamp and mode, no directory entries. Buffers are appended in order because archiver
 * stats files concurrently, which could otherwise reorder them. Returns Lambda's CodeSha256 form.
 */
export async function writeDeterministicZip(entries: ZipEntry[], outFile: string): Promise<{ bytes: number; sha256: string }> {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const temporary = `${outFile}.${process.pid}.tmp`;
  const written = pipeline(archive, createWriteStream(temporary));
  for (const entry of sorted) {
    archive.append(await readFile(entry.source), { name: entry.name, date: FIXED_DATE, mode: FILE_MODE });
  }
  await archive.finalize();
  await written;
  await rename(temporary, outFile);
  return { bytes: archive.pointer(), sha256: await fileSha256(outFile) };
}

/** Base64 SHA-256, the form of Lambda's CodeSha256. */
export async function fileSha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('base64');
}
