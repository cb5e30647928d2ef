import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as delay } from 'node:timers/promises';
import { batchEntryKey, batchFeed, batchKey, feedAttributes, type BatchEntry, type BatchEntryStatus, type ImageItem } from './contract.js';
import { itemCondition } from './store.js';

/**
 * counted: the image counted toward its batch now; refused: the image's write was refused (done
 * already), so nothing changed; already-counted: this batch has counted the image before (a
 * duplicate delivery, or a message counted dead-lettered and redriven), so the item's write is
 * left to the caller; no-batch: the batch has no record (a message of an earlier release, or a
 * batch already removed), so only the item is written.
 */
export type CountResult = 'counted' | 'refused' | 'already-counted' | 'no-batch';

/** What the function knows about one image's outcome: the report's row. */
export interface Outcome {
  key: string;
  status: BatchEntryStatus;
  renditions: number;
  bytes: number;
  durationMs: number;
  error?: string;
}

export function entryOf(batch: string, outcome: Outcome): BatchEntry {
  return {
    imageKey: batchEntryKey(batch, outcome.key),
    batch,
    key: outcome.key,
    status: outcome.status,
    renditions: outcome.renditions,
    bytes: outcome.bytes,
    durationMs: outcome.durationMs,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    feed: batchFeed(batch),
    feedAt: outcome.key,
  };
}

/**
 * One transaction: the image's write (under the same condition as an uncounted write, so a done
 * image is never written twice), the batch entry (only if absent: a duplicate or concurrent
 * delivery finds it and the whole transaction is cancelled), and `ADD <status> 1, finished 1` on
 * the batch record (only if it exists). Without `item` the image's record is left as it is
 * (already done for an earlier batch, or dead-lettered with no record): only the count is made.
 */
export async function countImage(
  ddb: DynamoDBDocumentClient,
  table: string,
  batch: string,
  outcome: Outcome,
  item?: { value: ImageItem; overwrite?: boolean },
): Promise<CountResult> {
  const write = item
    ? [{ Put: { TableName: table, Item: { ...item.value, ...feedAttributes(item.value) }, ...(item.overwrite ? {} : itemCondition(item.value)) } }]
    : [];
  const send = () => ddb.send(new TransactWriteCommand({
      TransactItems: [
        ...write,
        { Put: { TableName: table, Item: entryOf(batch, outcome), ConditionExpression: 'attribute_not_exists(imageKey)' } },
        {
          Update: {
            TableName: table,
            Key: { imageKey: batchKey(batch) },
            UpdateExpression: 'ADD #status :one, finished :one',
            ConditionExpression: 'attribute_exists(imageKey)',
            ExpressionAttributeNames: { '#status': outcome.status },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    }));
  try {
    await withConflictRetries(send);
    return 'counted';
  } catch (err) {
    const reasons = cancellationCodes(err);
    if (!reasons) throw err;
    const [entryReason, batchReason] = reasons.slice(-2);
    const itemReason = item ? reasons[0] : 'None';
    if (itemReason === 'ConditionalCheckFailed') return 'refused';
    if (entryReason === 'ConditionalCheckFailed') return 'already-counted';
    // Only the batch's own condition failed: its record is missing, so the image is written uncounted.
    if (batchReason === 'ConditionalCheckFailed') return 'no-batch';
    // TransactionConflict and the like: another request touched these items at once; SQS retries.
    throw err;
  }
}

const CONFLICT_RETRIES = 6;

/**
 * Every image of a batch updates the same batch record, so two transactions touching it at once
 * are likely; DynamoDB cancels one with TransactionConflict and the SDK does not retry that. It is
 * retried here with jittered backoff (about 1.3 s in all), rather than through SQS, which would wait
 * out the visibility timeout and render the image again.
 */
export async function withConflictRetries(send: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await send();
      return;
    } catch (err) {
      const reasons = cancellationCodes(err);
      // A single-item write that meets a transaction in progress fails with TransactionConflictException.
      const conflict = (err as Error).name === 'TransactionConflictException' || (reasons?.includes('TransactionConflict') && !reasons.includes('ConditionalCheckFailed'));
      if (!conflict || attempt >= CONFLICT_RETRIES) throw err;
      await delay(Math.random() * 20 * 2 ** attempt);
    }
  }
}

/** TransactionCanceledException's reasons, one per action in order; undefined for any other error. */
function cancellationCodes(err: unknown): string[] | undefined {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  if (e?.name !== 'TransactionCanceledException' || !Array.isArray(e.CancellationReasons)) return undefined;
  return e.CancellationReasons.map((reason) => reason.Code ?? 'None');
}
