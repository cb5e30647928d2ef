import { readFile, rm } from 'node:fs/promises';
import { writeJsonAtomic } from '../fs/write-file-atomic.js';
import path from 'node:path';
import { isAlive } from '../local/local-file.js';

/**
 * Where `thumbs dev` says it serves a stack's on-request renderer on loopback: `<stack>.renderer`
 * beside the stack's state file in the embedded state folder. Not `.json`: that folder's `*.json`
 * files are read as stacks (dev's scan, `thumbs stacks`).
 */
export interface RendererFile {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** The `thumbs dev` serving it; a file whose process has exited is ignored. */
  pid: number;
}

export function rendererFilePath(localStateDir: string, stack: string): string {
  return path.join(localStateDir, `${stack}.renderer`);
}

/** Written whole under another name, then renamed into place: a reader never sees half a file. */
export async function writeRendererFile(localStateDir: string, stack: string, entry: RendererFile): Promise<void> {
  await writeJsonAtomic(rendererFilePath(localStateDir, stack), entry);
}

/** The renderer of a running `thumbs dev`, or undefined (no file, unreadable, or its process has exited). */
export async function readRendererFile(localStateDir: string, stack: string): Promise<RendererFile | undefined> {
  try {
    const entry = JSON.parse(await readFile(rendererFilePath(localStateDir, stack), 'utf8')) as Partial<RendererFile>;
    if (typeof entry.url !== 'string' || typeof entry.pid !== 'number' || !isAlive(entry.pid)) return undefined;
    return { url: entry.url, pid: entry.pid };
  } catch {
    return undefined;
  }
}

/** Removes the file only if it still names this renderer (a newer dev may have written its own). */
export async function removeRendererFile(localStateDir: string, stack: string, entry: RendererFile): Promise<void> {
  const file = rendererFilePath(localStateDir, stack);
  try {
    const current = JSON.parse(await readFile(file, 'utf8')) as Partial<RendererFile>;
    if (current.url !== entry.url || current.pid !== entry.pid) return;
  } catch {
    return;
  }
  await rm(file, { force: true });
}
