import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describeTable } from '../resources/table.js';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError, usageError } from '../errors.js';
import { openStack, stateDirFor } from '../state/open-stack.js';
import { stackSettings } from '../state/stack-config.js';
import type { StackState } from '../state/state-file.js';
import type { QueueIdentity } from './sent-journal.js';

/** Where an upload goes, read from the stack's state (names are never guessed). */
export interface UploadTargets {
  stack: string;
  bucket: string;
  /** Absent in S3-trigger mode: S3 itself notifies the function. */
  queueUrl: string | undefined;
  table: string | undefined;
  deadLetterUrl: string | undefined;
  thumbnailsBucket: string | undefined;
  stateDir: string;
  /** The stack's recorded max-bytes (its function fails larger originals). */
  maxBytes: number;
  /** false when the last provision made only the data side (--no-function) where Lambda exists. */
  hasFunction: boolean;
}

export function notProvisioned(ctx: Context, what: string): ThumbsError {
  const { stack, stackFrom } = ctx.settings;
  const flags = `${stack === 'default' ? '' : ` --stack ${stack}`}${ctx.target.backend === 'embedded' ? ' --local' : ''}`;
  // A name from a variable or the config file is the likelier mistake than an unprovisioned stack: say where it came from.
  const named = stackFrom && stackFrom !== 'the default' ? ` (${stackFrom})` : '';
  return new ThumbsError('not-provisioned', `stack ${stack}${named} is not provisioned (${what})`, {
    hint: `Run \`thumbs provision${flags}\` first, or check the stack's name (\`thumbs stacks\` lists the stacks found).`,
  });
}

/**
 * Where Lambda exists, a stack provisioned with --no-function has nothing consuming its queue
 * (the embedded backend records no function either, but `thumbs dev`'s worker consumes it).
 */
export function hasFunction(ctx: Context, state: Pick<StackState, 'config'>): boolean {
  return !(ctx.capabilities.hasControlPlane && state.config?.function === false);
}

/** --wait on a stack without a function would only run out its timeout: refused before anything is sent. */
export function noFunctionToWaitFor(ctx: Context, command: 'upload' | 'reprocess'): ThumbsError {
  const { stack } = ctx.settings;
  return usageError('no-function', `--wait: stack ${stack} has no function to process the images (its last provision ran with --no-function), so the wait could only time out`,
    `Run \`thumbs provision${stack === 'default' ? '' : ` --stack ${stack}`}\` to add the function, or run \`thumbs ${command}\` without --wait (the messages wait in the queue).`);
}

export async function resolveTargets(ctx: Context): Promise<UploadTargets> {
  const opened = await openStack(ctx, { persist: false });
  const { stack, store } = opened;
  const bucket = store.get('originalsBucket')?.id;
  const triggered = store.get('bucketNotification') !== undefined;
  const queueUrl = triggered ? undefined : store.get('queue')?.id;
  if (!bucket) throw notProvisioned(ctx, 'no originals bucket recorded');
  if (!triggered && !queueUrl) throw notProvisioned(ctx, 'no queue recorded');
  return {
    stack,
    bucket,
    queueUrl,
    table: store.get('table')?.id,
    deadLetterUrl: store.get('deadLetterQueue')?.id,
    thumbnailsBucket: store.get('thumbnailsBucket')?.id,
    stateDir: stateDirFor(ctx),
    maxBytes: stackSettings(opened).config.maxBytes,
    hasFunction: hasFunction(ctx, store.current),
  };
}

/**
 * The table every item is written to (by the function) and read from (--wait, the journal's
 * uncertain entries): checked before the first upload, so a deleted table is named at once
 * instead of failing every message, or `--wait`, after all was uploaded and sent.
 */
export async function assertTable(ctx: Context, table: string | undefined, needed: boolean): Promise<void> {
  if (!table) {
    if (needed) throw notProvisioned(ctx, 'no metadata table recorded');
    return;
  }
  if (!(await describeTable(ctx, table))) throw notProvisioned(ctx, `table ${table} does not exist`);
}

/**
 * One cheap call up front, so a deleted queue fails before anything is uploaded rather than
 * after; its ARN and creation time bind the upload journal to this very queue.
 */
export async function queueIdentity(ctx: Context, queueUrl: string): Promise<QueueIdentity> {
  try {
    const { Attributes } = await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'CreatedTimestamp'] }));
    return { arn: Attributes?.QueueArn ?? queueUrl, created: Attributes?.CreatedTimestamp ?? '' };
  } catch (error) {
    if (isNotFound(error)) throw notProvisioned(ctx, `queue ${queueUrl} does not exist`);
    throw error;
  }
}
