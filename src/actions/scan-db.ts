import { paginateScan, type DynamoDBDocumentClient, type ScanCommandInput, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { readByTime } from '../items/by-time.js';
import { openStack } from '../state/open-stack.js';
import { DEFAULT_SEGMENTS } from '../config/defaults.js';

import { FEED_SHARDS, FEED_STATUSES, NOT_RESERVED, type ItemStatus, type StoredItem } from '../../lambda/contract.js';

export type { ItemStatus, StoredItem, StoredRendition } from '../../lambda/contract.js';

export interface ScanOptions {
  /** Parallel scan segments, 1-16; default 4. */
  segments?: number;
  /** Only the newest this many items; default: all. */
  limit?: number;
  /** Only items with this status; default: all. */
  status?: ItemStatus;
}

export interface ScanResult {
  stack: string;
  table: string;
  segments: number;
  status: ItemStatus | undefined;
  /** true when the scan stopped at --limit; the table may hold more. */
  limited: boolean;
  /** Newest first (processedAt descending); items without processedAt last. */
  items: StoredItem[];
}

/** How an item stream is ordered: by the time index, or as a parallel scan meets them. */
export type StreamOrder = 'newest-first' | 'table';

export interface ItemStream {
  stack: string;
  table: string;
  segments: number;
  status: ItemStatus | undefined;
  limit: number | undefined;
  order: StreamOrder;
  /** Read once; pages are fetched as the consumer takes items, so memory stays flat. */
  items: AsyncIterable<StoredItem>;
}

/**
 * Items per Scan page: a 1 MB page of small items is a few thousand objects twice over (as received
 * and unmarshalled), and with two pages per segment in flight that was most of the memory at 100,000.
 */
export const SCAN_PAGE_ITEMS = 250;

/** Pages a segment may have fetched ahead of the consumer: the one being read and the next. */
export const PAGES_AHEAD_PER_SEGMENT = 2;

/**
 * A parallel scan as one stream: each segment follows LastEvaluatedKey page by page (Scan pages stop
 * at 1 MB) and asks for its next page only once the consumer has started on the current one, so at
 * most PAGES_AHEAD_PER_SEGMENT pages per segment are held at any time.
 */
export async function* streamScan(
  doc: DynamoDBDocumentClient,
  table: string,
  options: { segments?: number; status?: ItemStatus } = {},
): AsyncGenerator<StoredItem> {
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  // The stack's reserved items (its record, its lease) are not images.
  const filter: Partial<ScanCommandInput> = options.status
    ? {
        FilterExpression: `#s = :s AND ${NOT_RESERVED.expression}`,
        ExpressionAttributeNames: { '#s': 'status', ...NOT_RESERVED.names },
        ExpressionAttributeValues: { ':s': options.status, ...NOT_RESERVED.values },
      }
    : { FilterExpression: NOT_RESERVED.expression, ExpressionAttributeNames: { ...NOT_RESERVED.names }, ExpressionAttributeValues: { ...NOT_RESERVED.values } };
  const cursors = Array.from({ length: segments }, (_, segment) =>
    paginateScan({ client: doc, pageSize: SCAN_PAGE_ITEMS }, { TableName: table, Segment: segment, TotalSegments: segments, ...filter })[Symbol.asyncIterator](),
  );
  type Arrival = { segment: number; page: IteratorResult<ScanCommandOutput> };
  const inFlight = new Map<number, Promise<Arrival>>();
  const request = (segment: number) => inFlight.set(segment, cursors[segment]!.next().then((page) => ({ segment, page })));
  cursors.forEach((_, segment) => request(segment));
  try {
    while (inFlight.size > 0) {
      const { segment, page } = await Promise.race(inFlight.values());
      inFlight.delete(segment);
      if (page.done) continue;
      request(segment);
      for (const item of page.value.Items ?? []) yield item as StoredItem;
    }
  } finally {
    // A consumer that stops early (--limit on the fallback path, an error) ends the segments' paginators.
    await Promise.allSettled([...inFlight.values()]);
    await Promise.allSettled(cursors.map((cursor) => cursor.return?.(undefined)));
  }
}

/** processedAt is ISO 8601, so string order is time order; the key breaks ties. */
export function compareNewestFirst(a: StoredItem, b: StoredItem): number {
  return (b.processedAt ?? '').localeCompare(a.processedAt ?? '') || a.imageKey.localeCompare(b.imageKey);
}

/** processedAt is ISO 8601, so string order is time order. */
export function newestFirst(items: StoredItem[]): StoredItem[] {
  return [...items].sort(compareNewestFirst);
}

/** The newest `count` items of a stream, holding no more than `count` + one page at a time. */
export async function newestOf(items: AsyncIterable<StoredItem>, count: number): Promise<{ newest: StoredItem[]; seen: number }> {
  let newest: StoredItem[] = [];
  let seen = 0;
  const batch: StoredItem[] = [];
  const trim = () => {
    newest = [...newest, ...batch.splice(0)].sort(compareNewestFirst).slice(0, count);
  };
  for await (const item of items) {
    seen += 1;
    batch.push(item);
    if (batch.length >= Math.max(count, 1000)) trim();
  }
  trim();
  return { newest, seen };
}

/** Collects a whole scan: for small tables (the demo, tests); scan-db streams instead. */
export async function scanItems(
  doc: DynamoDBDocumentClient,
  table: string,
  options: ScanOptions = {},
): Promise<{ items: StoredItem[]; limited: boolean }> {
  const items: StoredItem[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for await (const item of streamScan(doc, table, options)) {
    if (items.length >= limit) break;
    items.push(item);
  }
  return { items, limited: items.length >= limit };
}

async function* prepend<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function* take<T>(items: AsyncIterable<T>, count: number): AsyncGenerator<T> {
  if (count <= 0) return;
  let taken = 0;
  for await (const item of items) {
    yield item;
    taken += 1;
    if (taken >= count) return;
  }
}

/**
 * The time index, when the table has it: its first page is read here so a missing index (a stack
 * not yet upgraded by provision) turns into the scan fallback instead of an error mid-output.
 */
async function tryByTime(ctx: Context, table: string, options: ScanOptions): Promise<AsyncIterable<StoredItem> | undefined> {
  const statuses = options.status ? [options.status] : undefined;
  const partitions = (statuses ?? FEED_STATUSES).length * FEED_SHARDS;
  const pageSize = options.limit === undefined ? 1000 : Math.ceil(options.limit / partitions) + 1;
  const iterator = readByTime(ctx.clients.doc, table, { ...(statuses ? { statuses } : {}), pageSize })[Symbol.asyncIterator]();
  try {
    return prepend(await iterator.next(), iterator);
  } catch (error) {
    if (error instanceof ThumbsError && error.code === 'no-time-index') return undefined;
    throw error;
  }
}

/**
 * Opens the items of a stack's table as a stream. --limit and --status read the time index
 * (newest first, about as many items as asked); everything else is a parallel scan in table order.
 * A table without the index (a first-release stack) falls back to the scan, with a note.
 */
export async function openItemStream(ctx: Context, options: ScanOptions = {}): Promise<ItemStream> {
  const stack = await openStack(ctx, { persist: false });
  // Names are deterministic, so a lost state file still finds the table.
  const table = stack.store.get('table')?.id ?? stack.names.table;
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const base = { stack: stack.stack, table, segments, status: options.status, limit: options.limit };
  try {
    if (options.limit !== undefined || options.status !== undefined) {
      const byTime = await ctx.reporter.step(`query ${table} newest first`, () => tryByTime(ctx, table, options));
      if (byTime) return { ...base, order: 'newest-first', items: options.limit === undefined ? byTime : take(byTime, options.limit) };
      ctx.reporter.warn(`table ${table} has no time index yet, so this reads the whole table; \`thumbs provision\` adds it`);
    }
    const scan = streamScan(ctx.clients.doc, table, { segments, status: options.status });
    // The first page is read here too, so "no such table" is reported before any output.
    const first = await ctx.reporter.step(`scan ${table} (${segments} segments)`, () => scan.next());
    const items = prepend(first, scan);
    if (options.limit === undefined) return { ...base, order: 'table', items };
    const { newest } = await newestOf(items, options.limit);
    return { ...base, order: 'newest-first', items: fromArray(newest) };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new ThumbsError('not-provisioned', `stack "${stack.stack}" has no table ${table} in ${stack.region}`, {
      hint: `Create the pipeline first: \`thumbs provision${ctx.target.backend === 'embedded' ? ' --local' : ''}\`.`,
      cause: error,
    });
  }
}

/** The whole result in memory, newest first: for callers that want an array (tests, small tables). */
export async function scanDb(ctx: Context, options: ScanOptions = {}): Promise<ScanResult> {
  const stream = await openItemStream(ctx, options);
  const items: StoredItem[] = [];
  for await (const item of stream.items) items.push(item);
  const sorted = stream.order === 'table' ? newestFirst(items) : items;
  return {
    stack: stream.stack,
    table: stream.table,
    segments: stream.segments,
    status: stream.status,
    limited: options.limit !== undefined && items.length >= options.limit,
    items: sorted,
  };
}

export { DEFAULT_SEGMENTS, MAX_SEGMENTS } from '../config/defaults.js';
