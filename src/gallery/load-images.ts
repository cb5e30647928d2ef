import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { scanItems, type ItemStatus, type StoredItem } from '../actions/scan-db.js';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError, usageError } from '../errors.js';
import type { OpenStack } from '../state/open-stack.js';
import { DEFAULT_PAGE_SIZE } from '../config/defaults.js';

export interface GalleryRendition {
  name: string;
  width?: number;
  height?: number;
  bytes?: number;
  format?: string;
  url: string;
}

/** One original as the page shows it: the stored item plus presigned URLs. */
export interface GalleryImage {
  key: string;
  status: string;
  width?: number;
  height?: number;
  bytes?: number;
  format?: string;
  contentType?: string;
  processedAt?: string;
  durationMs?: number;
  attempts?: number;
  error?: string;
  /** ThumbHash (base64) of the smallest rendition, painted while the images load. */
  thumbhash?: string;
  originalUrl: string;
  renditions: GalleryRendition[];
}

export interface GalleryQuery {
  /** Only this status; default all. */
  status?: ItemStatus;
  /** Case-insensitive substring of the key; default none. */
  q?: string;
  /** Opaque, from a previous page's nextCursor. */
  cursor?: string;
  /** Images per page; default 24; Infinity for a snapshot. */
  pageSize?: number;
}

export interface GalleryPage {
  images: GalleryImage[];
  /** Images matching the filter, over all pages. */
  total: number;
  nextCursor?: string;
  /** Present when there is a page before this one; "" means that page is the first. */
  previousCursor?: string;
  status?: ItemStatus;
  q: string;
  /** When the presigned URLs on this page stop working. */
  expiresAt: string;
}

/** Presigned URLs of the live gallery: a reload makes new ones. */
export const LIVE_URL_SECONDS = 900;

/** Where a stack's table and buckets are: the state file's record, else the deterministic name. */
export function galleryLocations(stack: OpenStack) {
  const { store, names } = stack;
  return {
    table: store.get('table')?.id ?? names.table,
    originalsBucket: store.get('originalsBucket')?.id ?? names.originalsBucket,
    thumbnailsBucket: store.get('thumbnailsBucket')?.id ?? names.thumbnailsBucket,
  };
}
export type GalleryLocations = ReturnType<typeof galleryLocations>;

/** processedAt is ISO 8601, so string order is time order; the key breaks ties so pages are stable. */
function compareNewestFirst(a: Pick<StoredItem, 'processedAt' | 'imageKey'>, b: Pick<StoredItem, 'processedAt' | 'imageKey'>): number {
  return (b.processedAt ?? '').localeCompare(a.processedAt ?? '') || a.imageKey.localeCompare(b.imageKey);
}

export function encodeCursor(item: StoredItem): string {
  return Buffer.from(JSON.stringify([item.processedAt ?? '', item.imageKey])).toString('base64url');
}

/** The cursor names the last item shown, so new uploads do not shift later pages. */
export function decodeCursor(cursor: string): { processedAt: string; imageKey: string } {
  try {
    const [processedAt, imageKey] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof processedAt === 'string' && typeof imageKey === 'string') return { processedAt, imageKey };
  } catch {
    // fall through to the usage error
  }
  throw usageError('bad-cursor', `cursor "${cursor.slice(0, 40)}" is not one this gallery made`, 'Start again from the first page.');
}

/** Filters, sorts and cuts one page out of the scanned items; pure, so it is tested without a table. */
export function pageOf(items: StoredItem[], query: GalleryQuery): { items: StoredItem[]; total: number; nextCursor?: string; previousCursor?: string } {
  const q = (query.q ?? '').trim().toLowerCase();
  const matching = items
    .filter((item) => !query.status || item.status === query.status)
    .filter((item) => q === '' || item.imageKey.toLowerCase().includes(q))
    .sort(compareNewestFirst);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const start = after ? matching.findIndex((item) => compareNewestFirst(after, item) < 0) : 0;
  const from = start === -1 ? matching.length : start;
  const size = query.pageSize ?? DEFAULT_PAGE_SIZE;
  const slice = matching.slice(from, from + size);
  const last = slice.at(-1);
  const more = from + size < matching.length && last !== undefined;
  const before = from > 0 ? matching[Math.max(0, from - size) - 1] : undefined;
  const previous = from > 0 ? { previousCursor: before ? encodeCursor(before) : '' } : {};
  return { items: slice, total: matching.length, ...(more ? { nextCursor: encodeCursor(last) } : {}), ...previous };
}

function presign(s3: S3Client, bucket: string, key: string, expiresIn: number): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
}

/** Presigning is local HMAC work (no request), so a page of 24 images costs nothing noticeable. */
export async function toGalleryImage(s3: S3Client, where: GalleryLocations, item: StoredItem, expiresIn: number): Promise<GalleryImage> {
  const sourceBucket = typeof item.sourceBucket === 'string' ? item.sourceBucket : where.originalsBucket;
  const renditions = await Promise.all(
    (item.renditions ?? [])
      .filter((r) => typeof r.key === 'string')
      .map(async (r) => ({
        name: r.name ?? '',
        width: r.width,
        height: r.height,
        bytes: r.bytes,
        format: r.format,
        url: await presign(s3, where.thumbnailsBucket, r.key as string, expiresIn),
      })),
  );
  const numberOf = (value: unknown) => (typeof value === 'number' ? value : undefined);
  return {
    key: item.imageKey,
    status: item.status ?? 'unknown',
    width: item.width,
    height: item.height,
    bytes: item.bytes,
    format: typeof item.format === 'string' ? item.format : undefined,
    contentType: typeof item.contentType === 'string' ? item.contentType : undefined,
    processedAt: item.processedAt,
    durationMs: numberOf(item.durationMs),
    attempts: numberOf(item.attempts),
    error: item.error,
    thumbhash: typeof item.thumbhash === 'string' ? item.thumbhash : undefined,
    originalUrl: await presign(s3, sourceBucket, item.imageKey, expiresIn),
    renditions: renditions.sort((a, b) => (a.width ?? 0) - (b.width ?? 0)),
  };
}

/** Scans the table (DynamoDB has no order, so every page scans), then presigns only the page shown. */
export async function loadGalleryPage(ctx: Context, where: GalleryLocations, query: GalleryQuery, expiresIn = LIVE_URL_SECONDS): Promise<GalleryPage> {
  let items: StoredItem[];
  try {
    ({ items } = await scanItems(ctx.clients.doc, where.table, query.status ? { status: query.status } : {}));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new ThumbsError('not-provisioned', `there is no table ${where.table}`, {
      hint: `Create the pipeline first: \`thumbs provision${ctx.target.backend === 'embedded' ? ' --local' : ''}\`.`,
      cause: error,
    });
  }
  const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
  const page = pageOf(items, query);
  const images = await Promise.all(page.items.map((item) => toGalleryImage(ctx.clients.s3, where, item, expiresIn)));
  return { images, total: page.total, nextCursor: page.nextCursor, previousCursor: page.previousCursor, status: query.status, q: query.q ?? '', expiresAt };
}

export { DEFAULT_PAGE_SIZE } from '../config/defaults.js';
