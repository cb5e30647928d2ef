/**
 * Makes a second photo set for `npm run bench -- transform --corpus <out>`: smaller photos, where
 * shrink-on-load saves little and encoding dominates. Each JPEG of <source> is downscaled to between
 * 1 and 8 megapixels (a fixed cycle, so the set is the same every time), re-encoded at q88 (about
 * 0.6 MB each from wallpapers); the first photos are used twice, at other sizes, up to --count.
 * The output is a scratch folder: photos under someone else's licence are not to be committed.
 *
 *   npx tsx bench/make-small-photos.ts <source dir> <out dir> [--count 24] [--match <regex on file names>]
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const MEGAPIXELS = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8];

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { count: { type: 'string', default: '24' }, match: { type: 'string', default: '' } },
});
const [source, out] = positionals.map((p) => resolve(p));
const count = Number(values.count);
if (!source || !out || !Number.isInteger(count) || count < 1) {
  console.error('usage: npx tsx bench/make-small-photos.ts <source dir> <out dir> [--count 24] [--match <regex>]');
  process.exit(2);
}
const match = new RegExp(values.match);
const photos = readdirSync(source)
  .filter((f) => /\.jpe?g$/i.test(f) && match.test(f))
  .sort()
  .map((f) => join(source, f));
if (photos.length === 0) {
  console.error(`no JPEGs matching /${values.match}/ in ${source}`);
  process.exit(2);
}
mkdirSync(out, { recursive: true });
let bytes = 0;
for (let i = 0; i < count; i++) {
  const photo = photos[i % photos.length]!;
  // A photo's second appearance takes a different place in the cycle, so it comes out at another size.
  const target = MEGAPIXELS[(i < photos.length ? i : i + 4) % MEGAPIXELS.length]! * 1e6;
  const { width = 0, height = 0 } = await sharp(photo).metadata();
  const scale = Math.min(1, Math.sqrt(target / (width * height)));
  const info = await sharp(photo)
    .resize(Math.round(width * scale))
    .jpeg({ quality: 88 })
    .toFile(join(out, `${String(i).padStart(2, '0')}_${basename(photo)}`));
  bytes += info.size;
}
console.log(`${count} photos, ${(bytes / count / 1e6).toFixed(2)} MB on average, in ${out}`);
