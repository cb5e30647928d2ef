/** Output formats a rendition can be written in. */
export type OutputFormat = 'jpeg' | 'webp' | 'avif' | 'png';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['jpeg', 'webp', 'avif', 'png'];

/** One rendition: fit inside a `size` x `size` box, written as `format`. */
export interface RenditionSpec {
  format: OutputFormat;
  size: number;
}

export interface ThumbsConfig {
  thumbnailsBucket: string;
  table: string;
  /** Default `webp:128,webp:512,webp:1024`. */
  renditions: RenditionSpec[];
  /** Encoder quality 1-100; default 80. */
  quality: number;
  /** Largest accepted input in pixels (width x height); default 100,000,000. */
  maxPixels: number;
  /** Largest accepted original in bytes; default 50 MiB. */
  maxBytes: number;
  /** Records processed in parallel per batch; default 4. */
  concurrency: number;
}

export const DEFAULT_RENDITIONS = 'webp:128,webp:512,webp:1024';

/**
 * The function's defaults, defined here once: the CLI's table of stack choices
 * (src/config/stack-choices.ts) takes them from this module, which imports nothing from src/.
 */
export const FUNCTION_DEFAULTS = {
  renditions: DEFAULT_RENDITIONS,
  quality: 80,
  maxPixels: 100_000_000,
  maxBytes: 50 * 1024 * 1024,
  concurrency: 4,
} as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads the function's configuration from the environment; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env): ThumbsConfig {
  return {
    thumbnailsBucket: required(env, 'THUMBS_THUMBNAILS_BUCKET'),
    table: required(env, 'THUMBS_TABLE'),
    renditions: parseRenditions(env.THUMBS_RENDITIONS ?? FUNCTION_DEFAULTS.renditions),
    quality: integer(env, 'THUMBS_QUALITY', FUNCTION_DEFAULTS.quality, 1, 100),
    maxPixels: integer(env, 'THUMBS_MAX_PIXELS', FUNCTION_DEFAULTS.maxPixels, 1, Number.MAX_SAFE_INTEGER),
    maxBytes: integer(env, 'THUMBS_MAX_BYTES', FUNCTION_DEFAULTS.maxBytes, 1, Number.MAX_SAFE_INTEGER),
    concurrency: integer(env, 'THUMBS_CONCURRENCY', FUNCTION_DEFAULTS.concurrency, 1, 64),
  };
}

/** Parses `format:size[,format:size...]`, e.g. `webp:128,jpeg:1024`. */
export function parseRenditions(spec: string): RenditionSpec[] {
  const parts = spec.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) throw new ConfigError('THUMBS_RENDITIONS is empty; expected e.g. "webp:128,webp:512"');
  const seen = new Set<number>();
  return parts.map((part) => {
    const match = /^([a-z]+):(\d+)$/i.exec(part);
    const format = match?.[1]?.toLowerCase() === 'jpg' ? 'jpeg' : match?.[1]?.toLowerCase();
    const size = Number(match?.[2]);
    if (!match || !OUTPUT_FORMATS.includes(format as OutputFormat)) {
      throw new ConfigError(
        `THUMBS_RENDITIONS entry "${part}" is invalid; expected format:size with format one of ${OUTPUT_FORMATS.join('|')}`,
      );
    }
    if (!Number.isInteger(size) || size < 1 || size > 16_383) {
      throw new ConfigError(`THUMBS_RENDITIONS entry "${part}" has an invalid size; expected 1-16383`);
    }
    // The box size names the rendition's folder, so two renditions of one size would overwrite each other.
    if (seen.has(size)) throw new ConfigError(`THUMBS_RENDITIONS has size ${size} twice; sizes name folders and must be unique`);
    seen.add(size);
    return { format: format as OutputFormat, size };
  });
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required but not set`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}="${raw}" is invalid; expected an integer from ${min} to ${max}`);
  }
  return value;
}
