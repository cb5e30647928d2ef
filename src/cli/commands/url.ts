import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { MAX_RENDER_SIDE, MIN_RENDER_SIDE, RENDER_FITS, RENDER_FORMATS, type RenderFit, type RenderFormat } from '../../../lambda/render-url.js';
import { usageError } from '../../errors.js';
import { printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { oneOf, positiveInt } from './parse.js';

interface UrlFlags {
  width?: number;
  height?: number;
  fit: RenderFit;
  format: RenderFormat;
  quality?: number;
  expires: number;
  check: boolean;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** A URL cannot be revoked short of a new signing key, so its life is kept to a year at most. */
const MAX_EXPIRES_SECONDS = 365 * 86_400;

function side(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < MIN_RENDER_SIDE || n > MAX_RENDER_SIDE) {
      throw new InvalidArgumentError(`${option} takes a whole number of pixels from ${MIN_RENDER_SIDE} to ${MAX_RENDER_SIDE}, not "${value}".`);
    }
    return n;
  };
}

/** `90s`, `30m`, `12h`, `7d`: seconds from now. */
export function lifetime(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * UNITS[match[2] as string]! : NaN;
  if (!(seconds >= 1 && seconds <= MAX_EXPIRES_SECONDS)) {
    throw new InvalidArgumentError(`--expires takes a duration from 1s to 365d such as 30m, 12h or 7d, not "${value}".`);
  }
  return seconds;
}

export function registerUrl(program: Command, runtime: Runtime): void {
  program.command('url')
    .description('print a signed URL of the stack\'s on-request renderer: one original at any size and format, rendered once and cached')
    .argument('<key>', 'the original\'s key in the originals bucket, e.g. trip/IMG_0042.jpg')
    .option('--width <px>', `width in pixels, ${MIN_RENDER_SIDE}-${MAX_RENDER_SIDE}`, side('--width'))
    .option('--height <px>', `height in pixels, ${MIN_RENDER_SIDE}-${MAX_RENDER_SIDE}`, side('--height'))
    .option('--fit <fit>', `how width and height apply: ${RENDER_FITS.join(', ')}`, oneOf('--fit', RENDER_FITS), 'inside')
    .option('--format <format>', `${RENDER_FORMATS.join(', ')} (auto: AVIF, WebP or JPEG by the browser's Accept header)`, oneOf('--format', RENDER_FORMATS), 'auto')
    .option('--quality <1-100>', 'encoder quality (default: the stack\'s, set by provision --quality)', positiveInt('--quality', 100))
    .addOption(new Option('--expires <duration>', 'how long the URL works: 30m, 12h, 7d (at most 365d)').argParser(lifetime).default(7 * 86_400, '7d'))
    .option('--no-check', 'sign without asking the originals bucket whether the key is there')
    .addHelpText('after', `
At least one of --width and --height. The output is never larger than the original. Anyone holding
the URL can fetch that one rendering until it expires; changing any parameter breaks the signature
(403). The first request renders and stores the result in the thumbnails bucket under r/; later
ones, from any URL with the same parameters, are served from there.

On AWS the renderer is the stack's function URL (made by \`thumbs provision\`); on the embedded
backend it is served by \`thumbs dev\` on 127.0.0.1 while dev runs.

Examples:
  thumbs url trip/IMG_0042.jpg --width 780                 any browser's best format, 7 days
  thumbs url trip/IMG_0042.jpg --width 1560 --format webp --quality 70 --expires 1h
  thumbs url cat.png --width 256 --height 256 --fit cover  a square crop
  curl -o cat.webp "$(thumbs url cat.png --width 512 --format webp --local)"
  thumbs url cat.png --height 400 --json                   {"url": ..., "expires": ...}`)
    .action(async (key: string, options: UrlFlags, command: Command) => {
      if (options.width === undefined && options.height === undefined) {
        throw usageError('missing-size', '--width or --height is required', 'Add e.g. --width 780; the other side follows the original\'s aspect ratio.');
      }
      if (key.startsWith('/') || key === '') {
        throw usageError('bad-key', `<key> "${key}" ${key ? 'starts with "/"' : 'is empty'}: keys are relative to the bucket`, `Give it as \`thumbs scan-db\` lists it, e.g. ${key.replace(/^\/+/, '') || 'trip/IMG_0042.jpg'}.`);
      }
      const settings = settingsOf(command, runtime);
      const signed = await withContext(command, runtime, async (ctx) => {
        const { signUrl } = await import('../../actions/url.js');
        const params = { fit: options.fit, format: options.format, ...(options.width ? { width: options.width } : {}), ...(options.height ? { height: options.height } : {}), ...(options.quality ? { quality: options.quality } : {}) };
        return signUrl(ctx, { key, params, expiresIn: options.expires, check: options.check });
      });
      printResult(settings.json, { url: signed.url, expires: signed.expires }, () => signed.url);
    });
}
