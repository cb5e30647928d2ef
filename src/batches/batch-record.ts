import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loadBatchConfig } from '../../lambda/batch-config.js';
import { completeIfFinished, isFinished } from '../../lambda/batch-complete.js';
import { BATCHES_FEED, batchKey, type BatchRecord, type BatchSource } from '../../lambda/contract.js';
import type { Context } from '../context.js';
import { MAX_RECEIVE_COUNT } from '../config/defaults.js';
import { stateDirFor } from '../state/open-stack.js';
import { recordedConfig } from '../state/stack-config.js';
import { readState } from '../state/state-file.js';
import { batchEnvironment, outboxDirOf } from './batch-environment.js';

export interface BatchPlace {
  stack: string;
  table: string;
  thumbnailsBucket: string;
}

/**
 * Writes the batch record before the run's first message is sent, so no count can arrive before
 * it (a count for a batch without a record is not made). `expected` is set by sealBatch once the
 * run has announced everything: until then the batch cannot complete.
 */
export async function startBatch(ctx: Context, place: BatchPlace, batch: string, source: BatchSource): Promise<BatchRecord> {
  const startedAt = new Date().toISOString();
  const record: BatchRecord = {
    imageKey: batchKey(batch), batch, stack: place.stack, source, startedAt,
    feed: BATCHES_FEED, feedAt: `${startedAt}#${batch}`,
    done: 0, failed: 0, deadLettered: 0, finished: 0,
  };
  await ctx.clients.doc.send(new PutCommand({ TableName: place.table, Item: record, ConditionExpression: 'attribute_not_exists(imageKey)' }));
  return record;
}

/**
 * Records how many images the run announced. When the function has counted every one of them
 * already (fast processing, or a batch of images all done before), nothing would complete the
 * batch any more, so the seal completes it itself with the function's own code: the conditional
 * completedAt still lets exactly one completion through. Returns undefined when nothing was
 * announced: that batch is removed.
 */
export async function sealBatch(ctx: Context, place: BatchPlace, batch: string, expected: number): Promise<BatchRecord | undefined> {
  // A run that announced nothing has nothing to report or tell: its record goes.
  if (expected === 0) {
    await ctx.clients.doc.send(new DeleteCommand({ TableName: place.table, Key: { imageKey: batchKey(batch) } }));
    return undefined;
  }
  const { Attributes } = await ctx.clients.doc.send(new UpdateCommand({
    TableName: place.table,
    Key: { imageKey: batchKey(batch) },
    UpdateExpression: 'SET expected = :n',
    ConditionExpression: 'attribute_exists(imageKey)',
    ExpressionAttributeValues: { ':n': expected },
    ReturnValues: 'ALL_NEW',
  }));
  const record = Attributes as BatchRecord;
  if (isFinished(record) && !record.completedAt) {
    // Loaded here only: its SDK packages cost an upload ~0.1 s of CPU to load, and this branch is rare.
    const sns = ctx.capabilities.hasControlPlane ? { sns: (await import('../aws/control-plane.js')).controlPlane(ctx).sns } : {};
    await completeIfFinished({ s3: ctx.clients.s3, ddb: ctx.clients.doc, config: place, batches: await batchConfigOf(ctx, place.stack), ...sns }, batch);
  }
  return record;
}

/** The function's batch configuration for this stack, from its record, as provision gives it to the function. */
async function batchConfigOf(ctx: Context, stack: string) {
  const dir = stateDirFor(ctx);
  const state = await readState(dir, stack);
  const config = recordedConfig(state);
  return loadBatchConfig(batchEnvironment({
    stack,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    notify: config?.notify,
    secret: config?.notifySecret,
    topicArn: state?.resources.notifyTopic?.arn,
    ...(ctx.target.backend === 'embedded' ? { outboxDir: outboxDirOf(dir) } : {}),
  }));
}
