import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { OutputFormat, RenditionSpec } from './config.js';
import { imageFailure, PermanentError } from './failures.js';
import { decodeHeic } from './heic.js';

// Every image is decoded exactly once, so libvips' operation cache would only hold memory between records.
sharp.cache(false);

export interface TransformOptions {
  renditions: readonly RenditionSpec[];
  /** Encoder quality 1-100. */
  quality: number;
  /** Inputs with more pixels than this are refused (permanent failure). */
  maxPixels: number;
}

export interface RenditionOutput {
  /** The box size as a string ("128"): stable whatever the input's dimensions. */
  name: string;
  width: number;
  height: number;
  format: OutputFormat;
  contentType: string;
  body: Buffer;
  bytes: number;
}

export interface TransformResult {
  /** Upright dimensions of the original (after EXIF orientation). */
  width: number;
  height: number;
  /** Input format detected from the bytes: jpeg, png, webp, gif, tiff, avif or heic. */
  format: string;
  renditions: RenditionOutput[];
}

export const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tiff: 'image/tiff',
};

// SVG, PDF and the like are left out on purpose: they are documents rendered by large parsers, not photos.
const INPUT_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heic']);

interface Decoded {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** Pure: image bytes in, upright sRGB renditions out (metadata stripped, never enlarged). */
export async function transform(input: Buffer, options: TransformOptions): Promise<TransformResult> {
  const specs = options.renditions;
  if (specs.length === 0) throw new Error('transform needs at least one rendition');
  const source = await openImage(input, options.maxPixels);
  const renditions: RenditionOutput[] = [];
  if (specs.length === 1) {
    // One rendition: decode, resize and encode in a single pipeline; no raw intermediate to copy.
    renditions.push(await encode(source.pipeline(), specs[0]!, options.quality));
  } else {
    const decoded = await decode(source.pipeline(), Math.max(...specs.map((r) => r.size)));
    // One after the other: records already run in parallel, and fewer threads allocating at once
    // keeps glibc's per-thread arenas (and so RSS) smaller.
    for (const spec of specs) {
      const raw = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: decoded.channels } });
      renditions.push(await encode(raw, spec, options.quality));
    }
  }
  return { width: source.width, height: source.height, format: source.format, renditions };
}

/** An input whose format, upright size and pixel limit are checked, and a fresh sharp pipeline of its upright pixels on demand. */
export interface OpenedImage {
  format: string;
  width: number;
  height: number;
  pipeline(): Sharp;
}

/** The one way into the pixels for both the pre-generated renditions and the on-request renderer. */
export async function openImage(input: Buffer, maxPixels: number): Promise<OpenedImage> {
  const source = await inspect(input, maxPixels);
  if (source.format !== 'heic') return { ...source, pipeline: () => decoder(input, maxPixels) };
  // sharp cannot decode HEVC: libheif (WebAssembly) decodes it once, upright, and sharp takes the raw pixels.
  const raw = await decodeHeic(input, maxPixels);
  const raws = { width: raw.width, height: raw.height, channels: raw.channels };
  return { format: 'heic', width: raw.width, height: raw.height, pipeline: () => sharp(raw.data, { raw: raws, limitInputPixels: maxPixels }) };
}

/** One on-request output: upright, never larger than the original, metadata stripped (the same encoders as the renditions). */
export async function renderOne(
  image: OpenedImage,
  request: { width?: number | undefined; height?: number | undefined; fit: 'inside' | 'cover' | 'contain' | 'fill' | 'outside'; format: OutputFormat; quality: number },
): Promise<Buffer> {
  const pipeline = image.pipeline().resize(request.width ?? null, request.height ?? null, { fit: request.fit, withoutEnlargement: true, background: '#ffffff' });
  if (request.format === 'jpeg') pipeline.flatten({ background: '#ffffff' });
  try {
    return await withFormat(pipeline, request.format, request.quality).toBuffer();
  } catch (err) {
    throw imageFailure(err);
  }
}

/** Reads the header only: format by content, upright size, pixel limit. */
async function inspect(input: Buffer, maxPixels: number): Promise<{ format: string; width: number; height: number }> {
  if (input.length === 0) throw new PermanentError('empty file');
  const meta = await sharp(input).metadata().catch((err: unknown) => {
    throw imageFailure(err);
  });
  const format = meta.format === 'heif' ? heifFormat(meta.compression) : meta.format;
  if (!format || !INPUT_FORMATS.has(format)) throw new PermanentError(`unsupported format: ${format ?? 'unknown'}`);
  // libheif in sharp reports a HEIF's upright size (irot applied); its EXIF Orientation must not turn it again.
  const { width, height } = format === 'heic' ? { width: meta.width, height: meta.height } : meta.autoOrient;
  if (!width || !height) throw new PermanentError('corrupt image: no dimensions');
  if (width * height > maxPixels) {
    throw new PermanentError(`over pixel limit (${width}x${height} > ${maxPixels} pixels)`);
  }
  return { format, width, height };
}

function heifFormat(compression: string | undefined): string {
  // HEIF with AV1 is AVIF; HEIC (HEVC) has no decoder in sharp's prebuilt binaries (see heic.ts).
  return compression === 'av1' ? 'avif' : 'heic';
}

/**
 * The one decode: auto-orient and shrink toward the largest box in a single pipeline to raw sRGB
 * pixels. Asking for the final size up front lets libvips shrink-on-load (JPEG DCT scaling, WebP),
 * so a 5640x3172 JPEG is never held at full size.
 */
async function decode(image: Sharp, box: number): Promise<Decoded> {
  try {
    const { data, info } = await image
      .resize(box, box, { fit: 'inside', withoutEnlargement: true })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw imageFailure(err);
  }
}

/** Auto-orients from EXIF; refuses oversized and broken inputs instead of decoding garbage. */
function decoder(input: Buffer, maxPixels: number): Sharp {
  return sharp(input, { limitInputPixels: maxPixels, failOn: 'error', autoOrient: true });
}

async function encode(image: Sharp, spec: RenditionSpec, quality: number): Promise<RenditionOutput> {
  image.resize(spec.size, spec.size, { fit: 'inside', withoutEnlargement: true });
  // JPEG has no alpha: flatten on white rather than let transparent pixels turn black (no-op without alpha).
  if (spec.format === 'jpeg') image.flatten({ background: '#ffffff' });
  let body: Buffer;
  let info: { width: number; height: number };
  try {
    ({ data: body, info } = await withFormat(image, spec.format, quality).toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw imageFailure(err);
  }
  return {
    name: String(spec.size),
    width: info.width,
    height: info.height,
    format: spec.format,
    contentType: CONTENT_TYPES[spec.format] ?? 'application/octet-stream',
    body,
    bytes: body.length,
  };
}

/**
 * libwebp's method 2: no rate-distortion search, half the encoding CPU of sharp's default 4. On photos
 * small enough that encoding dominates, that search is most of the work; measured against
 * vipsthumbnail's output (bench/transform.ts), the files stay within a few percent in size and SSIM.
 */
const WEBP_EFFORT = 2;

/**
 * libaom at sharp's effort 2 (of 0-9). The default 4 took 11 s for one 1024 px AVIF on the development
 * machine; 3 and 2 took 2.9-3.2 s and 2.3-2.7 s for all three default boxes of a 12 MP photo, files 9%
 * apart. A batch renders 4 photos at once on about 0.6 vCPU (1024 MB), so 2 keeps it inside the 30 s timeout.
 */
const AVIF_EFFORT = 2;

function withFormat(image: Sharp, format: OutputFormat, quality: number): Sharp {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality, mozjpeg: false });
    case 'webp':
      return image.webp({ quality, effort: WEBP_EFFORT });
    case 'avif':
      return image.avif({ quality, effort: AVIF_EFFORT });
    case 'png':
      return image.png();
  }
}
