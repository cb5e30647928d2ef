import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The on-request renderer's URLs: `<base>/<original key, each segment percent-encoded>?width=780
 * &height=&fit=inside&format=webp&quality=80&expires=<unix seconds>&signature=<base64url>`. The
 * signature is HMAC-SHA256, keyed with the stack's URL secret, over `GET`, the decoded key and every
 * other parameter sorted by name, one per line: changing any of them, or the expiry, breaks it.
 * The CLI (`thumbs url`) signs with this module and the function verifies with it.
 */

export const RENDER_FORMATS = ['webp', 'avif', 'jpeg', 'png', 'auto'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];
export const RENDER_FITS = ['inside', 'cover', 'contain', 'fill', 'outside'] as const;
export type RenderFit = (typeof RENDER_FITS)[number];
export const MIN_RENDER_SIDE = 16;
export const MAX_RENDER_SIDE = 4096;

export interface RenderParams {
  width?: number;
  height?: number;
  fit: RenderFit;
  format: RenderFormat;
  quality?: number;
}

/** The signed parameters, in the one order both sides use. */
const SIGNED = ['expires', 'fit', 'format', 'height', 'quality', 'width'] as const;

function canonical(key: string, params: RenderParams, expires: number): string {
  const values: Record<(typeof SIGNED)[number], string> = {
    expires: String(expires),
    fit: params.fit,
    format: params.format,
    height: params.height === undefined ? '' : String(params.height),
    quality: params.quality === undefined ? '' : String(params.quality),
    width: params.width === undefined ? '' : String(params.width),
  };
  return ['GET', key, ...SIGNED.map((name) => `${name}=${values[name]}`)].join('\n');
}

export function signRender(secret: string, key: string, params: RenderParams, expires: number): string {
  return createHmac('sha256', secret).update(canonical(key, params, expires)).digest('base64url');
}

/** The path and query of a signed URL; parameters left out are not in the query. */
export function renderPathAndQuery(secret: string, key: string, params: RenderParams, expires: number): string {
  const query = new URLSearchParams();
  if (params.width !== undefined) query.set('width', String(params.width));
  if (params.height !== undefined) query.set('height', String(params.height));
  query.set('fit', params.fit);
  query.set('format', params.format);
  if (params.quality !== undefined) query.set('quality', String(params.quality));
  query.set('expires', String(expires));
  query.set('signature', signRender(secret, key, params, expires));
  return `/${key.split('/').map(encodeURIComponent).join('/')}?${query.toString()}`;
}

export type Verdict = { ok: true; key: string; params: RenderParams } | { ok: false; status: 400 | 403; reason: string };

/** Checks a request's path and query: signature first (nothing is parsed for rendering before it holds), then bounds. */
export function verifyRender(secret: string, rawPath: string, rawQuery: string, now = Date.now()): Verdict {
  const query = new URLSearchParams(rawQuery);
  const signature = query.get('signature') ?? '';
  const expires = Number(query.get('expires') ?? '');
  let key: string;
  try {
    key = rawPath.replace(/^\/+/, '').split('/').map(decodeURIComponent).join('/');
  } catch {
    return { ok: false, status: 403, reason: 'bad path' };
  }
  const unknown = [...query.keys()].find((name) => name !== 'signature' && !(SIGNED as readonly string[]).includes(name));
  if (!signature || unknown !== undefined || !Number.isInteger(expires) || key === '') return { ok: false, status: 403, reason: 'unsigned' };
  const number = (name: string) => (query.get(name) ? Number(query.get(name)) : undefined);
  const params = { width: number('width'), height: number('height'), fit: query.get('fit') ?? '', format: query.get('format') ?? '', quality: number('quality') } as RenderParams;
  const expected = Buffer.from(signRender(secret, key, params, expires));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 403, reason: 'bad signature' };
  if (expires * 1000 < now) return { ok: false, status: 403, reason: 'expired' };
  const problem = boundsProblem(params);
  return problem ? { ok: false, status: 400, reason: problem } : { ok: true, key, params };
}

/** What is wrong with parameters (also what `thumbs url` refuses to sign), or undefined. */
export function boundsProblem(params: RenderParams): string | undefined {
  for (const side of ['width', 'height'] as const) {
    const value = params[side];
    if (value !== undefined && (!Number.isInteger(value) || value < MIN_RENDER_SIDE || value > MAX_RENDER_SIDE)) {
      return `${side} must be a whole number from ${MIN_RENDER_SIDE} to ${MAX_RENDER_SIDE}`;
    }
  }
  if (params.width === undefined && params.height === undefined) return 'width or height is required';
  if (!RENDER_FITS.includes(params.fit)) return `fit must be one of ${RENDER_FITS.join(', ')}`;
  if (!RENDER_FORMATS.includes(params.format)) return `format must be one of ${RENDER_FORMATS.join(', ')}`;
  if (params.quality !== undefined && (!Number.isInteger(params.quality) || params.quality < 1 || params.quality > 100)) return 'quality must be a whole number from 1 to 100';
  return undefined;
}

/** format=auto: AVIF, then WebP, then JPEG, by what the Accept header names. */
export function negotiateFormat(format: RenderFormat, accept: string | undefined): Exclude<RenderFormat, 'auto'> {
  if (format !== 'auto') return format;
  const types = (accept ?? '').toLowerCase();
  const takes = (type: string) => new RegExp(`(^|,)\\s*${type.replace('/', '\\/')}\\s*(;(?!\\s*q=0(\\.0*)?\\s*(,|$))|,|$)`).test(types);
  if (takes('image/avif')) return 'avif';
  if (takes('image/webp')) return 'webp';
  return 'jpeg';
}
