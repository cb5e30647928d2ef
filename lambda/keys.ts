import type { RenditionSpec } from './config.js';

/**
 * `<box size>/<original key without extension>.<format>`, e.g. `128/holiday/beach 1.webp`.
 * The box size (not the output width) names the folder so the key is known before decoding.
 */
export function renditionKey(originalKey: string, spec: RenditionSpec): string {
  return `${spec.size}/${stripExtension(originalKey)}.${spec.format}`;
}

function stripExtension(key: string): string {
  const slash = key.lastIndexOf('/');
  const dot = key.lastIndexOf('.');
  // Only a dot inside the last segment and after its first character starts an extension (".profile" has none).
  return dot > slash + 1 ? key.slice(0, dot) : key;
}

/** Thumbnails never change under one key and version, so caches may keep them for a year. */
export const THUMBNAIL_CACHE_CONTROL = 'public, max-age=31536000, immutable';
