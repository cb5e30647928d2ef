import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository's sample photos: the benchmarks' default corpus, so a clone needs nothing beside it. */
export const DEFAULT_CORPUS = path.resolve(import.meta.dirname, '..', '..', 'images');

/** Options every benchmark module's default export takes; bench/run.ts passes them through. */
export interface BenchOptions {
  /** A folder of photos; default the repository's images/. */
  corpus?: string;
}

const IMAGE = /\.(jpe?g|png|webp|tiff?|gif|avif)$/i;

/** `--corpus <dir>` from the command line, else the default. */
export function corpusArgument(argv: string[] = process.argv.slice(2)): string {
  const at = argv.indexOf('--corpus');
  if (at === -1) return DEFAULT_CORPUS;
  const dir = argv[at + 1];
  if (!dir || dir.startsWith('-')) throw new Error('--corpus needs a folder of photos, e.g. --corpus ~/Pictures');
  return path.resolve(dir);
}

/** The photos anywhere under a corpus folder (images/ keeps some in a subfolder), in a stable order. */
export function corpusPhotos(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => IMAGE.test(name)).sort().map((name) => path.join(dir, name));
  if (files.length === 0) throw new Error(`no photos in ${dir}`);
  return files;
}

/** The largest photo of a corpus (by bytes), for benchmarks that cut many images from one. */
export function largestPhoto(dir: string): string {
  return corpusPhotos(dir).reduce((a, b) => (statSync(b).size > statSync(a).size ? b : a));
}
