import { paginateScan, type TableDescription } from '@aws-sdk/client-dynamodb';
import { FEED_SORT_KEY, isReservedKey, ITEM_KEY, TIME_INDEX } from '../../lambda/contract.js';
import type { Context } from '../context.js';

/** Up to this size a COUNT scan is cheap (about 1,300 read units at most) and exact. */
export const COUNT_SCAN_MAX_BYTES = 10 * 1024 * 1024;

/** How many of the table's items the time index holds. */
export interface IndexCoverage {
  items: number;
  /** Items with the index's attributes. */
  indexed: number;
  /** Items the gallery, scan-db --limit/--status and their filters never show; provision backfills them. */
  missing: number;
  /**
   * scan: counted now (one COUNT scan); describe: DescribeTable's ItemCount of the table and of the
   * index, which DynamoDB refreshes about every six hours, so a difference may be hours old.
   */
  source: 'scan' | 'describe';
}

/**
 * Items written without `feed`/`feedAt` (by a first-release function still running during an
 * upgrade, or by another tool) are outside the sparse index. A small table is counted exactly in
 * one scan: ScannedCount is every item, Count those the filter keeps, the ones lacking `feedAt`.
 * A large one compares the table's ItemCount with the index's. undefined: the table has no index.
 */
export async function indexCoverage(ctx: Context, table: TableDescription, exactUpTo = COUNT_SCAN_MAX_BYTES): Promise<IndexCoverage | undefined> {
  const index = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === TIME_INDEX);
  if (!index) return undefined;
  if ((table.TableSizeBytes ?? 0) > exactUpTo) {
    const items = table.ItemCount ?? 0;
    const indexed = index.ItemCount ?? 0;
    return { items, indexed, missing: Math.max(0, items - indexed), source: 'describe' };
  }
  let items = 0;
  let missing = 0;
  // Only the keys of items lacking feedAt come back: the stack's reserved items (its record, its
  // lease) are among them, never indexed and not images, so they are counted out here.
  const pages = paginateScan({ client: ctx.clients.dynamodb }, {
    TableName: table.TableName,
    ProjectionExpression: '#key',
    FilterExpression: 'attribute_not_exists(#feedAt)',
    ExpressionAttributeNames: { '#feedAt': FEED_SORT_KEY, '#key': ITEM_KEY },
  });
  for await (const page of pages) {
    const reserved = (page.Items ?? []).filter((item) => isReservedKey(item[ITEM_KEY]?.S ?? '')).length;
    items += (page.ScannedCount ?? 0) - reserved;
    missing += (page.Count ?? 0) - reserved;
  }
  return { items, indexed: items - missing, missing, source: 'scan' };
}
