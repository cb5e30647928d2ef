import { GetCommand, paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BATCHES_FEED, batchKey, FEED_KEY, TIME_INDEX, type BatchRecord } from '../../lambda/contract.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { openStack } from '../state/open-stack.js';
import { detailOf, summarize, type BatchDetail, type BatchSummary } from '../batches/batch-detail.js';
import { notProvisioned } from '../upload/stack-targets.js';

export type { BatchDetail, BatchSummary } from '../batches/batch-detail.js';

export const DEFAULT_BATCH_LIMIT = 20;

async function tableOf(ctx: Context): Promise<string> {
  const { store } = await openStack(ctx, { persist: false });
  const table = store.get('table')?.id;
  if (!table) throw notProvisioned(ctx, 'no table recorded');
  return table;
}

/** `thumbs batches`: the newest batches first, one Query of the time index's batch partition. */
export async function listBatches(ctx: Context, options: { limit?: number } = {}): Promise<{ stack: string; batches: BatchSummary[] }> {
  const table = await tableOf(ctx);
  const { Items = [] } = await ctx.clients.doc.send(new QueryCommand({
    TableName: table,
    IndexName: TIME_INDEX,
    KeyConditionExpression: '#feed = :feed',
    ExpressionAttributeNames: { '#feed': FEED_KEY },
    ExpressionAttributeValues: { ':feed': BATCHES_FEED },
    ScanIndexForward: false,
    Limit: options.limit ?? DEFAULT_BATCH_LIMIT,
  }));
  return { stack: ctx.settings.stack, batches: (Items as BatchRecord[]).map(summarize) };
}

/** The start of an id, as upload's and reprocess's progress show it (8 characters). */
const ID_START = /^[0-9a-f][0-9a-f-]{3,34}$/i;

/**
 * The ids of the stack's batches that start with `start`, read from the time index's batch
 * partition (ids only); stops at the second match, which is enough to call it ambiguous.
 */
async function idsStartingWith(ctx: Context, table: string, start: string): Promise<string[]> {
  const matches: string[] = [];
  const pages = paginateQuery({ client: ctx.clients.doc }, {
    TableName: table,
    IndexName: TIME_INDEX,
    KeyConditionExpression: '#feed = :feed',
    ProjectionExpression: '#batch',
    ExpressionAttributeNames: { '#feed': FEED_KEY, '#batch': 'batch' },
    ExpressionAttributeValues: { ':feed': BATCHES_FEED },
  });
  for await (const page of pages) {
    for (const item of (page.Items ?? []) as Array<Pick<BatchRecord, 'batch'>>) {
      if (item.batch.toLowerCase().startsWith(start.toLowerCase())) matches.push(item.batch);
    }
    if (matches.length > 1) break;
  }
  return matches;
}

async function readRecord(ctx: Context, table: string, id: string): Promise<BatchRecord | undefined> {
  const { Item } = await ctx.clients.doc.send(new GetCommand({ TableName: table, Key: { imageKey: batchKey(id) }, ConsistentRead: true }));
  return Item as BatchRecord | undefined;
}

/** `thumbs batches <id>`: one batch, by its id or the start of it, with every image it counted (failed ones with their reason). */
export async function showBatch(ctx: Context, id: string): Promise<BatchDetail> {
  const table = await tableOf(ctx);
  let record = await readRecord(ctx, table, id);
  if (!record && ID_START.test(id)) {
    const matches = await idsStartingWith(ctx, table, id);
    if (matches.length > 1) {
      throw usageError('ambiguous-batch', `batch "${id}" (argument <id>) names more than one batch of stack ${ctx.settings.stack}: ${matches.join(', ')}`, 'Give more of the id.');
    }
    if (matches[0]) record = await readRecord(ctx, table, matches[0]);
  }
  if (!record) {
    throw usageError('unknown-batch', `batch "${id}" (argument <id>) is not a batch of stack ${ctx.settings.stack}`, 'List the recent ones with `thumbs batches`; upload --json and reprocess --json name theirs.');
  }
  return detailOf(ctx, table, record);
}
