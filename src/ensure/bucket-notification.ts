import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type NotificationConfiguration,
  type QueueConfiguration,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context } from '../context.js';
import { bucketArnOf } from '../resources/arns.js';
import { queuePolicyForBucket, samePolicy } from '../resources/policies.js';
import type { StateStore } from '../state/state-store.js';
import type { EnsureOptions, EnsureResult } from './types.js';

export interface NotificationSpec {
  stack: string;
  account: string;
  region: string;
  bucket: string;
  queueUrl: string;
  queueArn: string;
}

/** The Id of the one notification entry thumbs adds; every other entry belongs to someone else. */
export const notificationId = (stack: string) => `thumbs-${stack}-originals-to-queue`;

export const desiredEntry = (spec: NotificationSpec): QueueConfiguration => ({
  Id: notificationId(spec.stack),
  QueueArn: spec.queueArn,
  Events: ['s3:ObjectCreated:*'],
});

export async function readNotifications(ctx: Context, bucket: string): Promise<NotificationConfiguration> {
  const { TopicConfigurations, QueueConfigurations, LambdaFunctionConfigurations, EventBridgeConfiguration } = await ctx.clients.s3.send(
    new GetBucketNotificationConfigurationCommand({ Bucket: bucket }),
  );
  return { TopicConfigurations, QueueConfigurations, LambdaFunctionConfigurations, EventBridgeConfiguration };
}

/**
 * PutBucketNotificationConfiguration replaces the whole configuration (DESIGN "AWS facts" 9), so
 * merge by Id: other entries stay exactly as they were. `entry` undefined removes ours.
 */
export function mergeNotifications(current: NotificationConfiguration, id: string, entry: QueueConfiguration | undefined): NotificationConfiguration {
  const others = (current.QueueConfigurations ?? []).filter((queue) => queue.Id !== id);
  const merged: NotificationConfiguration = { ...current, QueueConfigurations: entry ? [...others, entry] : others };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)));
}

function sameEntry(actual: QueueConfiguration | undefined, wanted: QueueConfiguration): boolean {
  if (!actual) return false;
  return actual.QueueArn === wanted.QueueArn && JSON.stringify([...(actual.Events ?? [])].sort()) === JSON.stringify(wanted.Events) && !actual.Filter;
}

export interface NotificationState {
  notifications: NotificationConfiguration;
  queuePolicy: string | undefined;
}

/** The two reads, which can go out as soon as the bucket and queue are known to exist. */
export async function readNotificationState(ctx: Context, spec: NotificationSpec): Promise<NotificationState> {
  const [notifications, attributes] = await Promise.all([
    readNotifications(ctx, spec.bucket),
    ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: spec.queueUrl, AttributeNames: ['Policy'] })),
  ]);
  return { notifications, queuePolicy: attributes.Attributes?.Policy };
}

/**
 * S3-trigger mode: the originals bucket notifies the queue of every new object. The queue policy
 * (exactly this bucket, via aws:SourceArn) goes first, since S3 checks it when the entry is written.
 */
export async function ensureBucketNotification(
  ctx: Context,
  spec: NotificationSpec,
  store: StateStore,
  options: EnsureOptions,
  state?: NotificationState,
): Promise<EnsureResult> {
  const { notifications, queuePolicy } = state ?? (await readNotificationState(ctx, spec));
  const id = notificationId(spec.stack);
  const entry = desiredEntry(spec);
  const policy = queuePolicyForBucket(spec.queueArn, bucketArnOf(spec.region, spec.bucket), spec.account);
  const policyOk = samePolicy(queuePolicy, policy);
  const entryOk = sameEntry(notifications.QueueConfigurations?.find((queue) => queue.Id === id), entry);
  const base = { kind: 'bucketNotification' as const, id };
  // Recorded only once S3 sends the events: from then on `upload` stops sending messages itself.
  const record = () => (store.get('bucketNotification') ? undefined : store.record('bucketNotification', { id, origin: 'created', extra: { bucket: spec.bucket } }));
  if (policyOk && entryOk) {
    if (!options.dryRun) await record();
    return { ...base, status: 'unchanged' };
  }
  if (options.dryRun) return { ...base, status: 'planned', note: `notify the queue of new objects in ${spec.bucket}` };
  if (!policyOk) await ctx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: spec.queueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  if (!entryOk) {
    await ctx.clients.s3.send(
      new PutBucketNotificationConfigurationCommand({ Bucket: spec.bucket, NotificationConfiguration: mergeNotifications(notifications, id, entry) }),
    );
  }
  await record();
  return { ...base, status: entryOk ? 'updated' : 'created', note: `${spec.bucket} ObjectCreated -> queue` };
}

/** Takes out only our entry, leaving every other one; false when it was not there. */
export async function removeBucketNotification(ctx: Context, bucket: string, id: string): Promise<boolean> {
  const current = await readNotifications(ctx, bucket);
  if (!current.QueueConfigurations?.some((queue) => queue.Id === id)) return false;
  await ctx.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: mergeNotifications(current, id, undefined) }));
  return true;
}
