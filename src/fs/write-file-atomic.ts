import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

type Contents = Parameters<typeof writeFile>[1];

/**
 * Writes the file whole under another name in its folder, then renames it into place: a reader
 * (or a crash) never sees half a file, and two writers leave one whole version. The folder is
 * created when missing; contents may be a string, bytes or an iterable of strings (a journal).
 */
export async function writeFileAtomic(file: string, contents: Contents, options: { mode?: number } = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(draft, contents, { mode: options.mode });
    await rename(draft, file);
  } catch (error) {
    await rm(draft, { force: true });
    throw error;
  }
}

/** JSON with two-space indentation and a final newline: the shape of every file thumbs keeps. */
export const writeJsonAtomic = (file: string, value: unknown, options: { mode?: number } = {}) =>
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, options);
