/**
 * The raster types the function processes, and nothing else: an SVG or HTML file stored in the
 * bucket is a document whose script runs on the storage origin when opened, so `image/` is not enough.
 */
export const BROWSER_UPLOAD_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff', 'image/heic', 'image/heif'];

/** What the page's file picker offers: the types, and HEIC by name (most browsers give a HEIC no type). */
export const UPLOAD_ACCEPT = [...BROWSER_UPLOAD_TYPES, '.heic', '.heif'].join(',');

/** Browsers other than Safari give a HEIC no type; its name is all the page has to go by. */
const TYPES_BY_EXTENSION: Record<string, string> = { heic: 'image/heic', heif: 'image/heif' };

/** The Content-Type a file is uploaded with: what the browser declared, or a HEIC's by its name; undefined when not allowed. */
export function uploadType(fileName: string, declared: string): string | undefined {
  const type = declared.trim().toLowerCase() || TYPES_BY_EXTENSION[fileName.split('.').pop()?.toLowerCase() ?? ''] || '';
  return BROWSER_UPLOAD_TYPES.includes(type) ? type : undefined;
}
