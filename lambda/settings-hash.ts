import { createHash } from 'node:crypto';
import type { RenditionSpec } from './config.js';

/** What decides how thumbnails look; a change of either makes every earlier rendering stale. */
export interface RenderSettings {
  renditions: readonly RenditionSpec[];
  quality: number;
}

/**
 * A short, stable name for render settings: the CLI puts it in a message to ask for these settings,
 * the function records it on the item it writes. Order-free, as the renditions are a set of sizes.
 */
export function settingsHash(settings: RenderSettings): string {
  const renditions = settings.renditions.map((r) => `${r.format}:${r.size}`).sort();
  const canonical = `${renditions.join(',')};q${settings.quality}`;
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}
