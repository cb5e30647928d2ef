/**
 * Produce the EXIF-rotated sample image in images/.
 *
 * Takes a landscape JPEG from the shared photo corpus and writes a copy whose
 * stored pixels are still the landscape image, but whose EXIF Orientation tag
 * is 6 ("rotate 90° clockwise to display"), so viewers that honour EXIF show it
 * as portrait. The pipeline must auto-orient such uploads before resizing.
 *
 * Usage (from the repository root):
 *   npx tsx scripts/make-rotated-sample.ts [source.jpg]
 *
 * The source defaults to the corpus file named below; the corpus directory can
 * be overridden with THUMBS_CORPUS_DIR. The pixels are re-encoded once (JPEG
 * quality 90); no rotation, resize or other pixel change is applied.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const ORIENTATION = 6;
const DEFAULT_SOURCE = 'lomiri_aitzgorri_by_Aitzol_Berasategi.jpg';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = process.env.THUMBS_CORPUS_DIR ?? '/work/shared/corpus';
const source = process.argv[2] ?? join(corpusDir, DEFAULT_SOURCE);
const target = join(repoRoot, 'images', `rotated-exif-${ORIENTATION}_${basename(source)}`);

const input = await readFile(source);
const inMeta = await sharp(input).metadata();
if (inMeta.format !== 'jpeg' || !(inMeta.width > inMeta.height)) {
  throw new Error(`${source}: expected a landscape JPEG, got ${inMeta.format} ${inMeta.width}x${inMeta.height}`);
}
if (inMeta.orientation !== undefined && inMeta.orientation !== 1) {
  throw new Error(`${source}: already has EXIF orientation ${inMeta.orientation}; pick an upright source`);
}

// No .rotate()/.autoOrient(): the stored pixels stay landscape; only the tag changes.
const output = await sharp(input).withMetadata({ orientation: ORIENTATION }).jpeg({ quality: 90 }).toBuffer();

const outMeta = await sharp(output).metadata();
if (outMeta.orientation !== ORIENTATION) {
  throw new Error(`expected EXIF orientation ${ORIENTATION}, got ${outMeta.orientation}`);
}
if (outMeta.width !== inMeta.width || outMeta.height !== inMeta.height || !(outMeta.width > outMeta.height)) {
  throw new Error(`stored pixels changed shape: ${outMeta.width}x${outMeta.height}`);
}

await mkdir(dirname(target), { recursive: true });
await writeFile(target, output);
console.log(
  `${target}: stored ${outMeta.width}x${outMeta.height}, orientation ${outMeta.orientation}, ` +
    `displays as ${outMeta.autoOrient.width}x${outMeta.autoOrient.height}, ${output.length} bytes`,
);
