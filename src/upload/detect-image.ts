/** What thumbs uploads, by content: what sharp's prebuilt binaries decode, and HEIC (the function decodes it with libheif). */
const SUPPORTED = new Map<string, string>([
  ['image/jpeg', 'jpeg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
  ['image/gif', 'gif'],
  ['image/avif', 'avif'],
  ['image/tiff', 'tiff'],
  ['image/heic', 'heic'],
  ['image/heif', 'heic'],
]);

/** Image sequences (bursts, animations) in HEIF: the function reads single photos only, so they get their own reason. */
const UNSUPPORTED_IMAGES = new Set(['image/heic-sequence', 'image/heif-sequence']);

export type Detection =
  | { image: true; contentType: string; format: string }
  | { image: false; reason: string };

export const REASONS = {
  empty: 'empty file',
  notImage: 'not an image',
  heicSequence: 'HEIF image sequences are not supported (export the photo as HEIC or JPEG)',
} as const;

const JPEG: Detection = { image: true, contentType: 'image/jpeg', format: 'jpeg' };

/**
 * FF D8 FF, and not FF D8 FF F7 (JPEG-LS): file-type's own JPEG rule, and no rule it tries first
 * can match a buffer that starts with FF, so the answer is the same without loading it.
 */
export function isPlainJpeg(content: Uint8Array): boolean {
  return content.length >= 4 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff && content[3] !== 0xf7;
}

/**
 * Decides by magic bytes, never by extension: a `.jpg` that is really a PNG gets image/png,
 * and a text file called `photo.jpg` is skipped (the AWS tutorial trusts extensions; we do not).
 * Pass the content when it is already in memory, so the file is not opened twice.
 */
export async function detectImage(file: string, size: number, content?: Uint8Array): Promise<Detection> {
  if (size === 0) return { image: false, reason: REASONS.empty };
  if (content && isPlainJpeg(content)) return JPEG;
  // Loaded only when needed: file-type and its tokenizers are ~30 modules, a tenth of a second of
  // CPU at start-up, which an upload of JPEGs never needs.
  const { fileTypeFromBuffer, fileTypeFromFile } = await import('file-type');
  const type = content ? await fileTypeFromBuffer(content) : await fileTypeFromFile(file);
  if (!type) return { image: false, reason: REASONS.notImage };
  const format = SUPPORTED.get(type.mime);
  if (format) return { image: true, contentType: type.mime, format };
  if (UNSUPPORTED_IMAGES.has(type.mime)) return { image: false, reason: REASONS.heicSequence };
  return { image: false, reason: `${REASONS.notImage} (${type.mime})` };
}
