import type { Context } from '../context.js';
import { convergeBucketNotification, notificationId, readNotificationState, removeBucketNotification, type NotificationSpec } from '../resources/bucket-notification.js';
import { convergeEventSourceMapping, findMapping } from '../resources/event-source-mapping.js';
import { convergeFunction, readFunction } from '../resources/function.js';
import { convergeFunctionUrl, readFunctionUrl } from '../resources/function-url.js';
import { ensureRenderSecret } from '../render/render-secret.js';
import type { Sleep } from '../resources/iam-propagation.js';
import { convergeLogGroup } from '../resources/log-group.js';
import type { EnsureResult } from '../resources/resource.js';
import { convergeRole, policyForStack } from '../resources/role.js';
import { buildFunctionPackage, type FunctionPackage } from '../package/build.js';
import type { Architecture } from '../package/project.js';
import { queueArnOf, topicArnOf } from '../resources/arns.js';
import { convergeNotifyTopic } from '../resources/notify-topic.js';
import { batchEnvironment, emailAddresses } from '../batches/batch-environment.js';
import { MAX_RECEIVE_COUNT } from '../config/defaults.js';
import type { OpenStack } from '../state/open-stack.js';
import { functionEnvironmentOf, type StackConfig } from '../state/stack-config.js';

/** How this run goes; what to make is the stack's configuration. */
export interface FunctionPhaseOptions {
  dryRun: boolean;
  /** For tests and benchmarks: the package builder and the retry sleep. */
  buildPackage?: (arch: Architecture) => Promise<FunctionPackage>;
  sleep?: Sleep;
}

/** Starts a read now and hands its result over later, without an unhandled rejection in between. */
function early<T>(work: Promise<T>): () => Promise<T> {
  const settled = work.then((value) => ({ value }), (error: unknown) => ({ error }));
  return async () => {
    const result = await settled;
    if ('error' in result) throw result.error;
    return result.value;
  };
}

/**
 * Role, function, its URL (the renderer), log group, SQS trigger and (s3 mode) bucket notification. Reads go out at once,
 * alongside the data side; each write waits only for what it needs, so a cold provision costs
 * about seven sequential round trips and a re-run that changes nothing one or two.
 */
export async function provisionFunction(ctx: Context, stack: OpenStack, config: StackConfig, options: FunctionPhaseOptions, data: Promise<EnsureResult[]>): Promise<EnsureResult[]> {
  const { names, store, account, region } = stack;
  const { dryRun } = options;
  const { arch } = config;
  const buckets = { originals: config.originalsBucket ?? names.originalsBucket, thumbnails: config.thumbnailsBucket ?? names.thumbnailsBucket };
  const queueArn = queueArnOf(region, account, names.queue);
  const emails = emailAddresses(config.notify);
  const topicArn = emails.length ? topicArnOf(region, account, names.notifyTopic) : undefined;
  const policy = policyForStack(stack, buckets, topicArn ?? null);
  const packaged = early(ctx.reporter.step(`package ${arch}`, () => (options.buildPackage ?? ((a) => buildFunctionPackage({ arch: a })))(arch)));
  const current = early(readFunction(ctx, names.function));
  const mapping = early(findMapping(ctx, names.function, queueArn).then((found) => found ?? null));
  const url = early(readFunctionUrl(ctx, names.function).then((found) => found ?? null));
  // A re-run knows the queue URL from the state file, so the s3-mode reads need not wait for the data side.
  const recordedNotify = store.get('bucketNotification') ? notificationSpec(stack, config, buckets.originals, queueArn) : undefined;
  const notifyState = recordedNotify?.queueUrl ? early(readNotificationState(ctx, recordedNotify)) : undefined;

  const role = ctx.reporter.step(`role ${names.role}`, () => convergeRole(ctx, { stack: stack.stack, name: names.role, policy, adoptArn: config.roleArn }, store, { dryRun }));
  const topicSpec = { stack: stack.stack, name: names.notifyTopic, region, account, emails };
  const topic = emails.length || store.get('notifyTopic')
    ? ctx.reporter.step(`SNS topic ${names.notifyTopic}`, () => convergeNotifyTopic(ctx, topicSpec, store, { dryRun }))
    : Promise.resolve(undefined);
  const logGroup = ctx.reporter.step(`log group ${names.logGroup}`, () => convergeLogGroup(ctx, { stack: stack.stack, name: names.logGroup, region, account }, store, { dryRun }));
  // After the log group: a function invoked before it exists would make an untagged one itself.
  const fn = (async () => {
    // The topic before the function: an email notification needs it to exist.
    const [roleResult, , existing, pkg] = await Promise.all([role, logGroup, current(), packaged(), topic]);
    const environment: Record<string, string> = {
      THUMBS_THUMBNAILS_BUCKET: buckets.thumbnails,
      // The renderer's originals; its URL signing key is read from the stack's record (lambda/render-entry.ts).
      THUMBS_ORIGINALS_BUCKET: buckets.originals,
      THUMBS_TABLE: names.table,
      ...functionEnvironmentOf(config),
      ...batchEnvironment({ stack: stack.stack, maxReceiveCount: MAX_RECEIVE_COUNT, notify: config.notify, secret: config.notifySecret, topicArn }),
      // glibc's per-thread arenas fragment under libvips' threads (sharp issue #2324): measured peak RSS
      // over the corpus falls from ~330 MB to ~240 MB with two arenas, at the same CPU (bench/transform.ts).
      MALLOC_ARENA_MAX: '2',
    };
    const spec = {
      stack: stack.stack, name: names.function, roleArn: roleResult.arn ?? '', memory: config.memory, timeout: config.timeout,
      arch, handler: pkg.handler, environment, zipPath: pkg.zipPath, sha256: pkg.sha256, sleep: options.sleep,
    };
    return ctx.reporter.step(`function ${names.function}`, () => convergeFunction(ctx, spec, existing, store, { dryRun }));
  })();
  const trigger = (async () => {
    const [, , found] = await Promise.all([data, fn, mapping()]);
    const spec = { stack: stack.stack, functionName: names.function, queueArn, batchWindow: config.batchWindow, maxConcurrency: config.maxConcurrency, sleep: options.sleep };
    return ctx.reporter.step(`SQS trigger ${names.queue} -> ${names.function}`, () => convergeEventSourceMapping(ctx, spec, store, { dryRun }, found));
  })();
  // The key the renderer checks signatures with, kept in the stack's record: the table exists once the data side is done.
  const renderKey = data.then(() => (dryRun ? undefined : ensureRenderSecret(ctx, names.table)));
  const rendererUrl = (async () => {
    const [, , found] = await Promise.all([fn, renderKey, url()]);
    return ctx.reporter.step(`function URL ${names.function}`, () => convergeFunctionUrl(ctx, { stack: stack.stack, functionName: names.function }, store, { dryRun }, found));
  })();
  const notification = (async () => {
    await data;
    const notify = notificationSpec(stack, config, buckets.originals, queueArn);
    if (!notify) return dropNotification(ctx, stack, dryRun);
    if (!notify.queueUrl) return { kind: 'bucketNotification' as const, id: notificationId(stack.stack), status: 'planned' as const, note: 'notify the queue once it exists' };
    const state = notifyState && recordedNotify?.queueUrl === notify.queueUrl ? await notifyState() : undefined;
    return ctx.reporter.step(`S3 notification ${notify.bucket} -> ${names.queue}`, () => convergeBucketNotification(ctx, notify, store, { dryRun }, state));
  })();
  const results = await Promise.all([role, logGroup, topic, fn, rendererUrl, trigger, notification]);
  return results.flat().filter((r): r is EnsureResult => r !== undefined);
}

function notificationSpec(stack: OpenStack, config: StackConfig, bucket: string, queueArn: string): NotificationSpec | undefined {
  if (config.trigger !== 's3') return undefined;
  const queueUrl = stack.store.get('queue')?.id ?? '';
  return { stack: stack.stack, account: stack.account, region: stack.region, bucket, queueUrl, queueArn };
}

/** Back to sqs mode: take out our notification entry, or every image would be processed twice. */
async function dropNotification(ctx: Context, stack: OpenStack, dryRun: boolean): Promise<EnsureResult | undefined> {
  const recorded = stack.store.get('bucketNotification');
  if (!recorded) return undefined;
  const bucket = recorded.extra?.bucket ?? stack.names.originalsBucket;
  if (dryRun) return { kind: 'bucketNotification', id: recorded.id, status: 'planned', note: 'remove (trigger is sqs)', changes: [{ attribute: 'entry', from: 'present', to: 'none' }] };
  await ctx.reporter.step(`remove S3 notification ${recorded.id}`, () => removeBucketNotification(ctx, bucket, notificationId(stack.stack)));
  await stack.store.forget('bucketNotification');
  return { kind: 'bucketNotification', id: recorded.id, status: 'updated', note: 'removed: trigger is sqs' };
}
