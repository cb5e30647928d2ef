import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

/** ThumbHash takes at most 100x100 pixels; more would not change the ~25-byte hash anyway. */
const HASH_BOX = 100;

/**
 * The ThumbHash (base64) of an already-encoded rendition, drawn by the gallery while the image
 * loads. Made from the smallest rendition, so decoding it costs a fraction of a millisecond.
 */
export async function thumbHashOf(rendition: Buffer): Promise<string> {
  const { data, info } = await sharp(rendition)
    .resize(HASH_BOX, HASH_BOX, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}

/**
 * `{ thumbhash }` from the smallest rendition, or nothing: a placeholder that cannot be made is
 * left out rather than failing an image whose renditions are already written.
 */
export async function placeholderOf(renditions: ReadonlyArray<{ width: number; height: number; body: Buffer }>): Promise<{ thumbhash?: string }> {
  const smallest = renditions.reduce<(typeof renditions)[number] | undefined>(
    (best, r) => (best === undefined || r.width * r.height < best.width * best.height ? r : best),
    undefined,
  );
  if (!smallest) return {};
  try {
    return { thumbhash: await thumbHashOf(smallest.body) };
  } catch {
    return {};
  }
}
