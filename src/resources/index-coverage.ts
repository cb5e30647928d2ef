import { paginateScan, type TableDescription } from '@aws-sdk/client-dynamodb';
import { FEED_SORT_KEY, NOT_RESERVED, TIME_INDEX } from '../../lambda/contract.js';
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
   * scan: counted now (one scan of keys); describe: DescribeTable's ItemCount of the table and of the
   * index, which DynamoDB refreshes about every six hours, so a difference may be hours old.
   */
  source: 'scan' | 'describe';
}

/**
 * Items written without `feed`/`feedAt` (by a first-release function still running during an
 * upgrade, or by another tool) are outside the sparse index. A small table is counted exactly in
 * one scan of the images' keys (reserved items left out), counting those lacking `feedAt`.
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
  // The reserved items (the record, the lease, every batch and its entries) are not images. A COUNT
  // scan's ScannedCount would include them, so the images' keys are read and counted here instead.
  const pages = paginateScan({ client: ctx.clients.dynamodb }, {
    TableName: table.TableName,
    FilterExpression: NOT_RESERVED.expression,
    ProjectionExpression: '#reservedKey, #feedAt',
    ExpressionAttributeNames: { '#feedAt': FEED_SORT_KEY, ...NOT_RESERVED.names },
    ExpressionAttributeValues: { ':reservedPrefix': { S: NOT_RESERVED.values[':reservedPrefix'] } },
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      items += 1;
      if (!item[FEED_SORT_KEY]) missing += 1;
    }
  }
  return { items, indexed: items - missing, missing, source: 'scan' };
}
