import path from 'node:path';
import { isReservedKey, RESERVED_KEY_PREFIX } from '../../lambda/contract.js';

/**
 * The object key for a file: its path relative to the uploaded folder, `/`-separated and in
 * Unicode NFC (macOS file systems hand out NFD names, so the same photo would otherwise get a
 * second key when uploaded from Linux). Spaces and `+` are kept as they are: the SDK encodes them.
 */
export function objectKey(relativePath: string, prefix = ''): string {
  const key = relativePath.split(path.sep).join('/').normalize('NFC');
  return prefix ? `${normalizePrefix(prefix)}${key}` : key;
}

/** S3's limit on an object key, in bytes of UTF-8 (not characters). */
export const MAX_KEY_BYTES = 1024;

/**
 * Why a key cannot be an image's key, or undefined when it can: longer than S3 allows, or under the
 * prefix of the stack's own items in its table (the function ignores such objects, so they would
 * never be processed).
 */
export function unusableKey(key: string): string | undefined {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) return `its key is ${bytes} bytes in UTF-8, S3 allows at most ${MAX_KEY_BYTES}: shorten its path (or --prefix)`;
  if (isReservedKey(key)) return `its key starts with ${RESERVED_KEY_PREFIX}, which thumbs keeps for the stack's own records: rename the folder`;
  return undefined;
}

/** `photos`, `photos/` and `/photos/` all mean the folder `photos/`. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.normalize('NFC').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed ? `${trimmed}/` : '';
}

/**
 * Keys that will share thumbnail names: renditions are stored as `<box>/<key without extension>.<format>`,
 * so `beach.jpg` and `beach.png` in one folder would overwrite each other's thumbnails.
 */
export function thumbnailNameClashes(keys: readonly string[]): string[][] {
  const byStem = new Map<string, string[]>();
  for (const key of keys) {
    const stem = key.replace(/\.[^./]*$/, '');
    byStem.set(stem, [...(byStem.get(stem) ?? []), key]);
  }
  return [...byStem.values()].filter((group) => group.length > 1);
}
