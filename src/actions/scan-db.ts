import { paginateScan, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { openStack } from '../state/open-stack.js';
import { DEFAULT_SEGMENTS } from '../config/defaults.js';

import type { ItemStatus, StoredItem } from '../../lambda/contract.js';

export type { ItemStatus, StoredItem, StoredRendition } from '../../lambda/contract.js';

export interface ScanOptions {
  /** Parallel scan segments, 1-16; default 4. */
  segments?: number;
  /** Stop once this many items are collected, across all segments; default: no limit. */
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


/**
 * Parallel scan: each segment follows LastEvaluatedKey page by page (Scan pages stop at 1 MB),
 * and all segments share one budget so --limit stops every segment early.
 */
export async function scanItems(
  doc: DynamoDBDocumentClient,
  table: string,
  options: ScanOptions = {},
): Promise<{ items: StoredItem[]; limited: boolean }> {
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const items: StoredItem[] = [];
  const filter: Partial<ScanCommandInput> = options.status
    ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': options.status } }
    : {};
  const scanSegment = async (segment: number) => {
    const input: ScanCommandInput = { TableName: table, Segment: segment, TotalSegments: segments, ...filter };
    // A page size near the limit avoids reading 1 MB pages for `--limit 5`; Limit counts items before the filter.
    const pageSize = Number.isFinite(limit) ? Math.min(limit, 1000) : undefined;
    for await (const page of paginateScan({ client: doc, ...(pageSize ? { pageSize } : {}) }, input)) {
      for (const item of page.Items ?? []) {
        if (items.length >= limit) return;
        items.push(item as StoredItem);
      }
      if (items.length >= limit) return;
    }
  };
  await Promise.all(Array.from({ length: segments }, (_, segment) => scanSegment(segment)));
  return { items, limited: items.length >= limit };
}

/** processedAt is ISO 8601, so string order is time order. */
export function newestFirst(items: StoredItem[]): StoredItem[] {
  return [...items].sort((a, b) => (b.processedAt ?? '').localeCompare(a.processedAt ?? '') || a.imageKey.localeCompare(b.imageKey));
}

export async function scanDb(ctx: Context, options: ScanOptions = {}): Promise<ScanResult> {
  const stack = await openStack(ctx, { persist: false });
  // Names are deterministic, so a lost state file still finds the table.
  const table = stack.store.get('table')?.id ?? stack.names.table;
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  try {
    const { items, limited } = await ctx.reporter.step(`scan ${table} (${segments} segments)`, () =>
      scanItems(ctx.clients.doc, table, { ...options, segments }),
    );
    return { stack: stack.stack, table, segments, status: options.status, limited, items: newestFirst(items) };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new ThumbsError('not-provisioned', `stack "${stack.stack}" has no table ${table} in ${stack.region}`, {
      hint: `Create the pipeline first: \`thumbs provision${ctx.target.backend === 'embedded' ? ' --local' : ''}\`.`,
      cause: error,
    });
  }
}

export { DEFAULT_SEGMENTS, MAX_SEGMENTS } from '../config/defaults.js';
