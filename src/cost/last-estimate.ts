import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../fs/write-file-atomic.js';
import path from 'node:path';
import type { Architecture } from '../package/project.js';
import type { MemoryOption } from './compare.js';
import type { ImageProfile } from './per-image.js';

/**
 * The last `thumbs estimate` of a stack, kept next to its state file (in a folder of its own, so
 * nothing that lists state files takes it for a stack): `provision` compares its memory with the
 * cheapest found, and `provision --expect` and `thumbs cost` price with its measured image.
 */
export interface LastEstimate {
  at: string;
  folder: string;
  sample: number;
  region: string;
  arch: Architecture;
  renditions: string;
  quality: number;
  profile: ImageProfile;
  parallelFraction: number;
  /** Cost and time per image at the compared sizes and those asked for. */
  byMemory: MemoryOption[];
}

export const estimateFile = (stateDir: string, stack: string): string => path.join(stateDir, 'estimates', `${stack}.json`);

export async function writeLastEstimate(stateDir: string, stack: string, estimate: LastEstimate): Promise<void> {
  await writeJsonAtomic(estimateFile(stateDir, stack), estimate);
}

/** undefined when the stack has none, or it cannot be read (it is advice, never a reason to fail). */
export async function readLastEstimate(stateDir: string, stack: string): Promise<LastEstimate | undefined> {
  try {
    const estimate = JSON.parse(await readFile(estimateFile(stateDir, stack), 'utf8')) as LastEstimate;
    return Array.isArray(estimate.byMemory) && estimate.profile ? estimate : undefined;
  } catch {
    return undefined;
  }
}
