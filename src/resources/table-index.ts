import {
  UpdateTableCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../context.js';
import type { EnsureOptions, EnsureResult } from './resource.js';
import { describeTable } from './table.js';
import { indexCoverage, type IndexCoverage } from './index-coverage.js';
import { FEED_KEY, FEED_SORT_KEY, NOT_RESERVED, TIME_INDEX, feedAttributes, type StoredItem } from '../../lambda/contract.js';

/** What a table needs for the time index; CreateTable can take these as they are. */
export const TIME_INDEX_ATTRIBUTES: AttributeDefinition[] = [
  { AttributeName: FEED_KEY, AttributeType: 'S' },
  { AttributeName: FEED_SORT_KEY, AttributeType: 'S' },
];
export const TIME_INDEX_DEFINITION: GlobalSecondaryIndex = {
  IndexName: TIME_INDEX,
  KeySchema: [
    { AttributeName: FEED_KEY, KeyType: 'HASH' },
    { AttributeName: FEED_SORT_KEY, KeyType: 'RANGE' },
  ],
  // The gallery shows every field, and items are small: a projection of ALL saves a read per image.
  Projection: { ProjectionType: 'ALL' },
};

const BACKFILL_SEGMENTS = 4;
const BACKFILL_WRITES_IN_FLIGHT = 16;
const ACTIVE_WAIT_SECONDS = 600;

export const timeIndexOf = (table: TableDescription | undefined) =>
  table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === TIME_INDEX);

/**
 * Gives items written before the index existed (first release, or an old function still running)
 * their index attributes. Resumable because it is idempotent: each run reads only items still
 * lacking feedAt and writes them under a condition that the item is unchanged since it was read,
 * so a concurrent write by the function always wins; a later run picks up whatever was skipped.
 */
export async function backfillTimeIndex(ctx: Context, table: string, onProgress?: (written: number) => void): Promise<{ written: number; skipped: number }> {
  const limit = pLimit(BACKFILL_WRITES_IN_FLIGHT);
  let written = 0;
  let skipped = 0;
  const update = async (item: StoredItem) => {
    const values = feedAttributes(item);
    const unchanged = [
      'attribute_exists(imageKey)',
      `attribute_not_exists(${FEED_SORT_KEY})`,
      item.processedAt === undefined ? 'attribute_not_exists(processedAt)' : 'processedAt = :p',
      item.status === undefined ? 'attribute_not_exists(#s)' : '#s = :s',
    ].join(' AND ');
    try {
      await ctx.clients.doc.send(new UpdateCommand({
        TableName: table,
        Key: { imageKey: item.imageKey },
        UpdateExpression: `SET ${FEED_KEY} = :feed, ${FEED_SORT_KEY} = :feedAt`,
        ConditionExpression: unchanged,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':feed': values.feed,
          ':feedAt': values.feedAt,
          ...(item.processedAt === undefined ? {} : { ':p': item.processedAt }),
          ...(item.status === undefined ? {} : { ':s': item.status }),
        },
      }));
      written += 1;
      onProgress?.(written);
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      skipped += 1;
    }
  };
  const segment = async (index: number) => {
    const pages = paginateScan({ client: ctx.clients.doc }, {
      TableName: table,
      Segment: index,
      TotalSegments: BACKFILL_SEGMENTS,
      // The stack's reserved items (its record, its lease) are not images and never enter the index.
      FilterExpression: `attribute_not_exists(${FEED_SORT_KEY}) AND ${NOT_RESERVED.expression}`,
      ProjectionExpression: 'imageKey, processedAt, #s',
      ExpressionAttributeNames: { '#s': 'status', ...NOT_RESERVED.names },
      ExpressionAttributeValues: { ...NOT_RESERVED.values },
    });
    // One page's writes finish before the next page is read, so memory stays at one page per segment.
    for await (const page of pages) await Promise.all((page.Items ?? []).map((item) => limit(() => update(item as StoredItem))));
  };
  await Promise.all(Array.from({ length: BACKFILL_SEGMENTS }, (_, index) => segment(index)));
  return { written, skipped };
}

async function waitUntilIndexActive(ctx: Context, table: string): Promise<boolean> {
  const deadline = Date.now() + ACTIVE_WAIT_SECONDS * 1000;
  for (;;) {
    if (timeIndexOf(await describeTable(ctx, table))?.IndexStatus === 'ACTIVE') return true;
    if (Date.now() > deadline) return false;
    await sleep(5000);
  }
}

export interface TimeIndexRead {
  description: TableDescription | undefined;
  /** undefined: no table, or no index yet. */
  coverage: IndexCoverage | undefined;
}

/** The table and its index's coverage: read by provision alongside the table's own checks, so a re-run waits for no extra round trip. */
export async function readTimeIndex(ctx: Context, table: string): Promise<TimeIndexRead> {
  const description = await describeTable(ctx, table);
  return { description, coverage: description ? await indexCoverage(ctx, description) : undefined };
}

/**
 * Keeps the time index complete. A first-release table gets the index (UpdateTable) and its items
 * their index attributes; on every later run, items found outside the index (written by an old
 * function still running during an upgrade, or by another tool) are backfilled too, whenever they
 * exist (index-coverage.ts counts them: exactly for a small table, from DescribeTable's counts for a
 * large one). A table created by this run already has the index (CreateTable carries it) and no items.
 * Interrupted, it is simply run again: the backfill only touches items still lacking the attributes.
 */
export async function ensureTimeIndex(
  ctx: Context,
  spec: { name: string; created: boolean; current?: Promise<TimeIndexRead> },
  options: EnsureOptions,
): Promise<EnsureResult[]> {
  const { description, coverage } = await (spec.current ?? readTimeIndex(ctx, spec.name));
  // --dry-run on a stack not created yet: CreateTable will carry the index.
  if (spec.created || !description) return [];
  const base = { kind: 'table' as const, id: `${spec.name}/index/${TIME_INDEX}` };
  const index = timeIndexOf(description);
  if (index && !coverage?.missing) return [];
  const missing = coverage ? `${coverage.missing} items missing from the index${coverage.source === 'describe' ? ' (by DescribeTable\'s counts)' : ''}` : undefined;
  if (options.dryRun) {
    return [{ ...base, status: 'planned', note: index ? `backfill ${missing}` : `add index ${TIME_INDEX}, then backfill ${FEED_KEY}/${FEED_SORT_KEY} on items without them` }];
  }
  if (!index) {
    await ctx.clients.dynamodb.send(new UpdateTableCommand({
      TableName: spec.name,
      AttributeDefinitions: TIME_INDEX_ATTRIBUTES,
      GlobalSecondaryIndexUpdates: [{ Create: TIME_INDEX_DEFINITION }],
    }));
  }
  // Runs while the index builds: the table stays in service, and items written meanwhile carry the attributes.
  const { written } = await ctx.reporter.step(`backfill index attributes in ${spec.name}`, () => backfillTimeIndex(ctx, spec.name));
  const active = index?.IndexStatus === 'ACTIVE' || (await ctx.reporter.step(`index ${TIME_INDEX} active`, () => waitUntilIndexActive(ctx, spec.name)));
  if (!active) ctx.reporter.warn(`index ${TIME_INDEX} on ${spec.name} is still being built; the gallery and scan-db --limit work once it is ACTIVE (run provision again to check)`);
  // By DescribeTable's hours-old counts, the items may have been indexed meanwhile: nothing to report then.
  if (index && written === 0) return [];
  const note = [!index ? `added index ${TIME_INDEX}` : '', `backfilled ${written} items${index ? ' missing from the index' : ''}`].filter(Boolean).join('; ');
  return [{ ...base, ...(index?.IndexArn ? { arn: index.IndexArn } : {}), status: 'updated', note }];
}
