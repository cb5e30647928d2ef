import { thumbHashToDataURL } from 'thumbhash';

/**
 * The item's ThumbHash as a small PNG data URL, made on the server so neither the live page nor
 * a snapshot ships a decoder; `img-src data:` is already allowed. Undefined for items without one.
 */
export function placeholderUrl(thumbhash: string | undefined): string | undefined {
  if (!thumbhash) return undefined;
  try {
    return thumbHashToDataURL(Buffer.from(thumbhash, 'base64'));
  } catch {
    return undefined;
  }
}
