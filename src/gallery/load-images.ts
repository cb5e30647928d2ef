import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemStatus, StoredItem } from '../actions/scan-db.js';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError, usageError } from '../errors.js';
import type { OpenStack } from '../state/open-stack.js';
import { DEFAULT_PAGE_SIZE } from '../config/defaults.js';
import { readByTime } from '../items/by-time.js';
import { getObjectSigner, type SignGet } from './presign.js';
import { FEED_SHARDS, FEED_SORT_KEY } from '../../lambda/contract.js';

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
  /** Opaque, from a previous page's nextCursor or previousCursor. */
  cursor?: string;
  /** Images per page; default 24. */
  pageSize?: number;
}

export interface GalleryPage {
  images: GalleryImage[];
  /**
   * Images matching the filter over all pages, when known. Pages read one Query page of the time
   * index each, which cannot count, so the live gallery leaves it out.
   */
  total?: number;
  /** The next (older) page, if there is one. */
  nextCursor?: string;
  /** The previous (newer) page, if there is one; absent on the first page. */
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

type Direction = 'next' | 'previous';

/** A cursor names the feedAt of the item at the page's edge, so new uploads do not shift later pages. */
export function encodeCursor(direction: Direction, feedAt: string): string {
  return Buffer.from(JSON.stringify([direction === 'next' ? 'n' : 'p', feedAt])).toString('base64url');
}

export function decodeCursor(cursor: string): { direction: Direction; feedAt: string } {
  try {
    const [direction, feedAt] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if ((direction === 'n' || direction === 'p') && typeof feedAt === 'string') return { direction: direction === 'n' ? 'next' : 'previous', feedAt };
  } catch {
    // fall through to the usage error
  }
  throw usageError('bad-cursor', `cursor "${cursor.slice(0, 40)}" is not one this gallery made`, 'Start again from the first page.');
}

/** A search reads at most this many items per page, so a rare match cannot make a page read the whole table. */
export const SEARCH_BUDGET = 2000;
const SEARCH_PAGE_SIZE = 200;

const feedAtOf = (item: StoredItem) => String(item[FEED_SORT_KEY] ?? '');

/** Reads matching items in one direction until it has `want`, the index ends, or the search budget is spent. */
async function collect(doc: DynamoDBDocumentClient, table: string, query: GalleryQuery, want: number, direction: Direction, from?: string) {
  const q = (query.q ?? '').trim().toLowerCase();
  const matches = (item: StoredItem) => q === '' || item.imageKey.toLowerCase().includes(q);
  const found: StoredItem[] = [];
  let examined = 0;
  let last: StoredItem | undefined;
  const items = readByTime(doc, table, {
    ...(query.status ? { statuses: [query.status] } : {}),
    order: direction === 'next' ? 'newest-first' : 'oldest-first',
    ...(from === undefined ? {} : { from }),
    pageSize: q === '' ? want : SEARCH_PAGE_SIZE,
  });
  for await (const item of items) {
    examined += 1;
    last = item;
    if (matches(item)) found.push(item);
    if (found.length >= want) return { found, ended: false, last };
    if (examined >= SEARCH_BUDGET) return { found, ended: false, last };
  }
  return { found, ended: true, last };
}

/**
 * One page of the time index, newest first. A page reads one Query page per shard (pageSize + 1
 * items, the extra one telling whether a further page exists); a search reads on up to SEARCH_BUDGET.
 */
export async function pageByTime(doc: DynamoDBDocumentClient, table: string, query: GalleryQuery): Promise<{ items: StoredItem[]; nextCursor?: string; previousCursor?: string }> {
  const size = query.pageSize ?? DEFAULT_PAGE_SIZE;
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (cursor?.direction === 'previous') {
    const { found, ended, last } = await collect(doc, table, query, size + 1, 'previous', cursor.feedAt);
    // Fewer than a page newer than the cursor: that is the first page, shown in full.
    if (ended && found.length <= size) return pageByTime(doc, table, { ...query, cursor: undefined });
    const full = found.length > size;
    const items = found.slice(0, size).reverse();
    const newest = full ? items[0] : last;
    return {
      items,
      nextCursor: encodeCursor('next', items.length > 0 ? feedAtOf(items.at(-1)!) : cursor.feedAt),
      ...(newest ? { previousCursor: encodeCursor('previous', feedAtOf(newest)) } : {}),
    };
  }
  const { found, ended, last } = await collect(doc, table, query, size + 1, 'next', cursor?.feedAt);
  const items = found.slice(0, size);
  const oldest = found.length > size ? items.at(-1) : ended ? undefined : last;
  return {
    items,
    ...(oldest ? { nextCursor: encodeCursor('next', feedAtOf(oldest)) } : {}),
    ...(cursor ? { previousCursor: encodeCursor('previous', items.length > 0 ? feedAtOf(items[0]!) : cursor.feedAt) } : {}),
  };
}

/** Signing is local HMAC work (no request); getObjectSigner keeps it to well under a millisecond a URL. */
export async function toGalleryImage(sign: SignGet, where: GalleryLocations, item: StoredItem): Promise<GalleryImage> {
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
        url: await sign(where.thumbnailsBucket, r.key as string),
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
    // Saved, never opened as a document: whatever an original's bytes are, they cannot run on the bucket's origin.
    originalUrl: await sign(sourceBucket, item.imageKey, { download: true }),
    renditions: renditions.sort((a, b) => (a.width ?? 0) - (b.width ?? 0)),
  };
}

/** Reads one page from the time index, then presigns only the images on it. */
export async function loadGalleryPage(ctx: Context, where: GalleryLocations, query: GalleryQuery, expiresIn = LIVE_URL_SECONDS): Promise<GalleryPage> {
  const page = await readPage(ctx, where, query);
  const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
  const sign = getObjectSigner(ctx.clients.s3, expiresIn);
  const images = await Promise.all(page.items.map((item) => toGalleryImage(sign, where, item)));
  return {
    images,
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    ...(page.previousCursor ? { previousCursor: page.previousCursor } : {}),
    status: query.status,
    q: query.q ?? '',
    expiresAt,
  };
}

async function readPage(ctx: Context, where: GalleryLocations, query: GalleryQuery): Promise<Awaited<ReturnType<typeof pageByTime>>> {
  return notProvisionedWhenMissing(ctx, where, () => pageByTime(ctx.clients.doc, where.table, query));
}

async function notProvisionedWhenMissing<T>(ctx: Context, where: GalleryLocations, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new ThumbsError('not-provisioned', `there is no table ${where.table}`, {
      hint: `Create the pipeline first: \`thumbs provision${ctx.target.backend === 'embedded' ? ' --local' : ''}\`.`,
      cause: error,
    });
  }
}

/**
 * The newest items recorded after `bound` (a processedAt), at most `size`, newest first: a poll's one
 * read. The bound is the Query's key condition and each partition is asked for its share of `size`
 * (the merge asks again when the keys fall unevenly), so a poll reads about `size` items at most,
 * however large the table and however busy the pipeline.
 */
async function readNewest(ctx: Context, where: GalleryLocations, bound: string, size: number): Promise<StoredItem[]> {
  return notProvisionedWhenMissing(ctx, where, async () => {
    const items: StoredItem[] = [];
    const share = Math.ceil(size / FEED_SHARDS) + 1;
    for await (const item of readByTime(ctx.clients.doc, where.table, { above: bound, pageSize: share })) {
      items.push(item);
      if (items.length >= size) break;
    }
    return items;
  });
}

/**
 * The live page's poll: the items recorded after `since` or in the last minute (for the status
 * line), the newest `size` of them in one bounded read of the time index, and only those after
 * `since` presigned. When every item read is new, more may have arrived than one poll carries:
 * `overflow` says so (the page's grid then misses some until a reload; the cursor moves to the newest).
 */
export async function loadChangedSince(ctx: Context, where: GalleryLocations, since: string, size: number, now = Date.now()): Promise<{ recent: RecentItem[]; changed: GalleryImage[]; overflow?: boolean }> {
  const minuteAgo = new Date(now - 60_000).toISOString();
  const items = await readNewest(ctx, where, since < minuteAgo ? since : minuteAgo, size);
  const fresh = items.filter((item) => (item.processedAt ?? '') > since);
  const sign = getObjectSigner(ctx.clients.s3, LIVE_URL_SECONDS);
  const changed = await Promise.all(fresh.map((item) => toGalleryImage(sign, where, item)));
  // A first poll (no cursor yet) takes the newest page, as the page itself showed: nothing is missed.
  const overflow = since !== '' && items.length >= size && fresh.length === items.length;
  return { recent: items.map((item) => ({ processedAt: item.processedAt, status: item.status ?? 'unknown' })), changed, ...(overflow ? { overflow } : {}) };
}

/** The newest processedAt of any item, '' for an empty table: one Query of one item per index partition. */
export async function newestRecordedAt(ctx: Context, where: GalleryLocations): Promise<string> {
  return notProvisionedWhenMissing(ctx, where, async () => {
    for await (const item of readByTime(ctx.clients.doc, where.table, { pageSize: 1 })) return item.processedAt ?? '';
    return '';
  });
}

/** What the status line needs of an item. */
export type RecentItem = Pick<GalleryImage, 'processedAt' | 'status'>;

export { DEFAULT_PAGE_SIZE } from '../config/defaults.js';
