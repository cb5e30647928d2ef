import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
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

/** `thumbs batches <id>`: one batch with every image it counted (failed ones with their reason). */
export async function showBatch(ctx: Context, id: string): Promise<BatchDetail> {
  const table = await tableOf(ctx);
  const { Item } = await ctx.clients.doc.send(new GetCommand({ TableName: table, Key: { imageKey: batchKey(id) }, ConsistentRead: true }));
  const record = Item as BatchRecord | undefined;
  if (!record) {
    throw usageError('unknown-batch', `batch "${id}" (argument <id>) is not a batch of stack ${ctx.settings.stack}`, 'List the recent ones with `thumbs batches`; upload --json and reprocess --json name theirs.');
  }
  return detailOf(ctx, table, record);
}
