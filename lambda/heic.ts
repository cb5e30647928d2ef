import type { LibHeif } from 'libheif-js/wasm-bundle.js';
import { imageFailure, PermanentError } from './failures.js';

/**
 * HEIC (HEVC in HEIF) decoding. sharp's prebuilt libvips reads HEIF but has no HEVC decoder (patent
 * licensing), so HEIC goes through libheif compiled to WebAssembly (libheif-js, with libde265): no
 * system library, and the .wasm travels inside the bundle. libheif applies the HEIF transforms (irot,
 * imir, clap), which are where HEIF keeps orientation: the EXIF Orientation an iPhone also writes is
 * ignored, as ISO/IEC 23008-12 asks, so a photo is never rotated twice.
 */

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

let loading: Promise<LibHeif> | undefined;

/** Loaded on the first HEIC only: compiling the WebAssembly takes a few hundred ms that other formats never pay. */
function libheif(): Promise<LibHeif> {
  loading ??= import('libheif-js/wasm-bundle.js').then((module) => module.default);
  return loading;
}

/** Upright size of the primary image, read from the header; throws PermanentError on a file libheif cannot parse. */
export async function heicSize(input: Buffer): Promise<{ width: number; height: number }> {
  const heif = await libheif();
  return withPrimary(heif, input, (handle) => ({
    width: heif.heif_image_handle_get_width(handle),
    height: heif.heif_image_handle_get_height(handle),
  }));
}

/** Decodes the primary image to interleaved 8-bit RGB(A), transforms applied; refuses more than maxPixels before decoding. */
export async function decodeHeic(input: Buffer, maxPixels: number): Promise<RawImage> {
  const heif = await libheif();
  return withPrimary(heif, input, (handle) => {
    const width = heif.heif_image_handle_get_width(handle);
    const height = heif.heif_image_handle_get_height(handle);
    if (width * height > maxPixels) throw new PermanentError(`over pixel limit (${width}x${height} > ${maxPixels} pixels)`);
    const alpha = heif.heif_image_handle_has_alpha_channel(handle) !== 0;
    const chroma = alpha ? heif.heif_chroma.heif_chroma_interleaved_RGBA : heif.heif_chroma.heif_chroma_interleaved_RGB;
    const decoded = heif.heif_js_decode_image2(handle, heif.heif_colorspace.heif_colorspace_RGB, chroma);
    if (!('channels' in decoded) || decoded.code) throw imageFailure(new Error(`HEIC decode failed: ${decoded.message ?? 'no image'}`));
    try {
      const plane = decoded.channels.find((channel) => channel.id === heif.heif_channel.heif_channel_interleaved);
      if (!plane) throw new PermanentError('corrupt image: HEIC has no interleaved plane');
      const channels = alpha ? 4 : 3;
      return { data: packRows(plane, channels), width: plane.width, height: plane.height, channels };
    } finally {
      heif.heif_image_release(decoded.image);
    }
  });
}

function withPrimary<T>(heif: LibHeif, input: Buffer, use: (handle: unknown) => T): T {
  const context = heif.heif_context_alloc();
  try {
    const read = heif.heif_context_read_from_memory(context, input);
    if (read.code !== heif.heif_error_code.heif_error_Ok) throw new PermanentError(`corrupt image: ${read.message ?? 'unreadable HEIF'}`.slice(0, 200));
    const handle = heif.heif_js_context_get_primary_image_handle(context);
    if (!handle || (handle as { code?: unknown }).code) throw new PermanentError('corrupt image: HEIF has no primary image');
    try {
      return use(handle);
    } finally {
      heif.heif_image_handle_release(handle);
    }
  } finally {
    heif.heif_context_free(context);
  }
}

/** Copied out of the WebAssembly heap (the plane is a view of it, freed on release), rows packed tight as sharp's raw input expects. */
function packRows(plane: { width: number; height: number; stride: number; data: Uint8Array }, channels: number): Buffer {
  const row = plane.width * channels;
  if (plane.stride === row) return Buffer.from(plane.data.subarray(0, row * plane.height));
  const out = Buffer.allocUnsafe(row * plane.height);
  for (let y = 0; y < plane.height; y += 1) out.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
  return out;
}
