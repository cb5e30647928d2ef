import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash } from 'node:crypto';
import { isMissingObject } from './failures.js';
import { THUMBNAIL_CACHE_CONTROL } from './keys.js';
import { negotiateFormat, verifyRender, type RenderParams } from './render-url.js';
import { CONTENT_TYPES, openImage, renderOne } from './transform.js';

/**
 * The on-request renderer's HTTP entry (a Lambda function URL, payload format 2.0; `thumbs dev`
 * serves the same function on loopback). GET `/<original key>?<signed parameters>` (render-url.ts):
 * an unsigned, altered or expired URL is answered 403 before anything is read. A result is rendered
 * once, stored in the thumbnails bucket under a key derived from the parameters, and served from
 * there afterwards.
 */

export interface RenderDeps {
  s3: S3Client;
  originalsBucket: string;
  thumbnailsBucket: string;
  secret: string;
  /** Default encoder quality (THUMBS_QUALITY). */
  quality: number;
  maxPixels: number;
  maxBytes: number;
  now?: () => number;
  /** Default MAX_INLINE_BYTES. */
  maxInlineBytes?: number;
}

export interface UrlEvent {
  rawPath?: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  requestContext?: { http?: { method?: string } };
}

export interface UrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** Lambda answers at most 6 MB (base64 makes 4/3 of it); bigger results go by redirect to S3. */
export const MAX_INLINE_BYTES = 4_500_000;
/** Prefix of the stored results in the thumbnails bucket. */
export const RENDER_PREFIX = 'r/';

const text = (statusCode: number, message: string, headers: Record<string, string> = {}): UrlResponse =>
  ({ statusCode, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: `${message}\n`, isBase64Encoded: false });

/** `r/<hash of the parameters>/<original key>.<format>`: the same request always names the same object. */
export function renderedKey(key: string, params: RenderParams, format: string, quality: number): string {
  const id = `${params.width ?? ''}x${params.height ?? ''}-${params.fit}-q${quality}`;
  const hash = createHash('sha256').update(`${id}\n${key}`).digest('hex').slice(0, 16);
  return `${RENDER_PREFIX}${id}-${hash}/${key}.${format}`;
}

export function createRenderHandler(deps: RenderDeps): (event: UrlEvent) => Promise<UrlResponse> {
  return async (event) => {
    const method = event.requestContext?.http?.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return text(405, 'method not allowed', { allow: 'GET, HEAD' });
    const verdict = verifyRender(deps.secret, event.rawPath ?? '/', event.rawQueryString ?? '', deps.now?.() ?? Date.now());
    if (!verdict.ok) return text(verdict.status, verdict.status === 403 ? 'forbidden' : verdict.reason);
    const { key, params } = verdict;
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const format = negotiateFormat(params.format, headers.accept);
    const quality = params.quality ?? deps.quality;
    const stored = renderedKey(key, params, format, quality);
    const vary: Record<string, string> = params.format === 'auto' ? { vary: 'Accept' } : {};
    const cached = await readStored(deps, stored, headers['if-none-match']);
    if (cached) return answer(deps, stored, cached, vary, method);
    const rendered = await render(deps, key, params, format, quality);
    if ('statusCode' in rendered) return rendered;
    const put = await deps.s3.send(new PutObjectCommand({ Bucket: deps.thumbnailsBucket, Key: stored, Body: rendered.body, ContentType: rendered.contentType, CacheControl: THUMBNAIL_CACHE_CONTROL }));
    return answer(deps, stored, { body: rendered.body, etag: put.ETag ?? '', contentType: rendered.contentType }, vary, method);
  };
}

interface Stored {
  body?: Buffer;
  etag: string;
  contentType: string;
  notModified?: boolean;
}

/** The stored result, or undefined when there is none yet; a matching If-None-Match is answered 304. */
async function readStored(deps: RenderDeps, stored: string, ifNoneMatch: string | undefined): Promise<Stored | undefined> {
  try {
    const res = await deps.s3.send(new GetObjectCommand({ Bucket: deps.thumbnailsBucket, Key: stored, ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}) }));
    return { body: Buffer.from(await res.Body!.transformToByteArray()), etag: res.ETag ?? '', contentType: res.ContentType ?? 'application/octet-stream' };
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 304) return { etag: ifNoneMatch ?? '', contentType: '', notModified: true };
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

async function answer(deps: RenderDeps, stored: string, object: Stored, vary: Record<string, string>, method: string): Promise<UrlResponse> {
  const common = { etag: object.etag, 'cache-control': THUMBNAIL_CACHE_CONTROL, ...vary };
  if (object.notModified) return { statusCode: 304, headers: common, body: '', isBase64Encoded: false };
  const body = object.body ?? Buffer.alloc(0);
  if (body.length > (deps.maxInlineBytes ?? MAX_INLINE_BYTES)) {
    const location = await getSignedUrl(deps.s3, new GetObjectCommand({ Bucket: deps.thumbnailsBucket, Key: stored }), { expiresIn: 300 });
    return { statusCode: 302, headers: { location, 'cache-control': 'private, max-age=240', ...vary }, body: '', isBase64Encoded: false };
  }
  return {
    statusCode: 200,
    headers: { ...common, 'content-type': object.contentType, 'x-content-type-options': 'nosniff' },
    body: method === 'HEAD' ? '' : body.toString('base64'),
    isBase64Encoded: true,
  };
}

async function render(deps: RenderDeps, key: string, params: RenderParams, format: 'webp' | 'avif' | 'jpeg' | 'png', quality: number): Promise<{ body: Buffer; contentType: string } | UrlResponse> {
  let original: Buffer;
  try {
    const res = await deps.s3.send(new GetObjectCommand({ Bucket: deps.originalsBucket, Key: key }));
    if ((res.ContentLength ?? 0) > deps.maxBytes) return text(422, 'original over the byte limit');
    original = Buffer.from(await res.Body!.transformToByteArray());
  } catch (error) {
    if (isMissingObject(error)) return text(404, 'no such original');
    throw error;
  }
  try {
    const image = await openImage(original, deps.maxPixels);
    const output = await renderOne(image, { width: params.width, height: params.height, fit: params.fit, format, quality });
    return { body: output, contentType: CONTENT_TYPES[format] ?? 'application/octet-stream' };
  } catch (error) {
    return text(422, `cannot render: ${(error as { reason?: string }).reason ?? 'unreadable image'}`);
  }
}
