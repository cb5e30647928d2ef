import pLimit from 'p-limit';
import { ThumbsError } from '../errors.js';
import { detectImage } from '../upload/detect-image.js';
import { walkFiles, type FoundFile } from '../upload/walk-folder.js';

/** Photos rendered at most: enough for a spread, few enough to take seconds, not minutes. */
export const DEFAULT_SAMPLE_BOUND = 40;

/** Files whose first bytes are read at once to tell images from the rest. */
const DETECT_IN_FLIGHT = 16;

/**
 * All of the items up to `bound`, else `bound` of them spread evenly over the list (the middle of
 * each of `bound` equal stretches), so a folder sorted by date or by camera is sampled across.
 */
export function evenSample<T>(items: readonly T[], bound: number): T[] {
  if (bound < 1) throw new RangeError('the sample bound must be at least 1');
  if (items.length <= bound) return [...items];
  return Array.from({ length: bound }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / bound)]!);
}

export interface FolderImages {
  /** In path order. */
  images: FoundFile[];
  /** Bytes of all the images. */
  bytes: number;
  /** Files that are not images thumbs processes (upload would skip them too). */
  skipped: number;
}

/** The images of a folder as upload would find them: by content, symlinks not followed. */
export async function folderImages(folder: string): Promise<FolderImages> {
  const limit = pLimit(DETECT_IN_FLIGHT);
  const checks: Array<Promise<FoundFile | undefined>> = [];
  let skipped = 0;
  for await (const entry of walkFiles(folder)) {
    if (!entry.file) {
      skipped += 1;
      continue;
    }
    const file = entry.file;
    // A file that cannot be read is skipped here as upload would skip it.
    checks.push(limit(async () => ((await detectImage(file.path, file.size).catch(() => undefined))?.image ? file : undefined)));
  }
  const found = await Promise.all(checks);
  const images = found.filter((file): file is FoundFile => file !== undefined).sort((a, b) => a.relative.localeCompare(b.relative));
  skipped += found.length - images.length;
  if (images.length === 0) {
    throw new ThumbsError('no-images', `folder "${folder}" holds no images thumbs can process (${skipped} other file${skipped === 1 ? '' : 's'})`, {
      hint: 'Give a folder of JPEG, PNG, WebP, GIF, AVIF or TIFF photos, e.g. `thumbs estimate ./images`.',
      exitCode: 2,
    });
  }
  return { images, bytes: images.reduce((sum, file) => sum + file.size, 0), skipped };
}
