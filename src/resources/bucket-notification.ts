import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type NotificationConfiguration,
  type QueueConfiguration,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context } from '../context.js';
import { bucketArnOf } from './arns.js';
import { queuePolicyForBucket, samePolicy } from './policies.js';
import type { OpenStack } from '../state/open-stack.js';
import type { ResourceRecord } from '../state/state-file.js';
import type { StateStore } from '../state/state-store.js';
import { ignoreNotFound, isNotFound } from '../aws/aws-errors.js';
import { queueArnOf } from './arns.js';
import { differs, type Difference, type EnsureOptions, type EnsureResult, type ResourceModule } from './resource.js';

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
  const { TopicConfigurations, QueueConfigurations, LambdaFunctionConfigurations, EventBridgeConfiguration } =
    (await ctx.clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }))) ?? {};
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

function describeEntry(entry: QueueConfiguration | undefined): string {
  if (!entry) return 'none';
  const filtered = entry.Filter ? ' (filtered)' : '';
  return `${[...(entry.Events ?? [])].sort().join('+')} -> ${String(entry.QueueArn).split(':').pop()}${filtered}`;
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

const desiredPolicy = (spec: NotificationSpec) => queuePolicyForBucket(spec.queueArn, bucketArnOf(spec.region, spec.bucket), spec.account);

/** Our entry (by Id) and the queue policy that lets exactly this bucket send to the queue. */
export function diffNotification(spec: NotificationSpec, state: NotificationState): Difference[] {
  const actual = state.notifications.QueueConfigurations?.find((queue) => queue.Id === notificationId(spec.stack));
  return [
    ...differs('entry', describeEntry(actual), describeEntry(desiredEntry(spec))),
    ...differs('queuePolicy', samePolicy(state.queuePolicy, desiredPolicy(spec)) ? 'this bucket' : state.queuePolicy ? 'other' : 'none', 'this bucket'),
  ];
}

/**
 * S3-trigger mode: the originals bucket notifies the queue of every new object. The queue policy
 * (exactly this bucket, via aws:SourceArn) goes first, since S3 checks it when the entry is written.
 * The entry is recorded only once S3 sends the events (from then on `upload` stops sending messages
 * itself); teardown finds an unrecorded entry by its Id, so an interruption leaves nothing unfound.
 */
export async function convergeBucketNotification(
  ctx: Context,
  spec: NotificationSpec,
  store: StateStore,
  options: EnsureOptions,
  state?: NotificationState,
): Promise<EnsureResult> {
  const current = state ?? (await readNotificationState(ctx, spec));
  const id = notificationId(spec.stack);
  const changes = diffNotification(spec, current);
  const base = { kind: 'bucketNotification' as const, id };
  const record = () => (store.get('bucketNotification') ? undefined : store.record('bucketNotification', { id, origin: 'created', extra: { bucket: spec.bucket } }));
  if (changes.length === 0) {
    if (!options.dryRun) await record();
    return { ...base, status: 'unchanged' };
  }
  const created = changes.some((c) => c.attribute === 'entry' && c.from === 'none');
  if (options.dryRun) return { ...base, status: 'planned', changes, note: `notify the queue of new objects in ${spec.bucket}` };
  const changed = new Set(changes.map((c) => c.attribute));
  if (changed.has('queuePolicy')) await ctx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: spec.queueUrl, Attributes: { Policy: JSON.stringify(desiredPolicy(spec)) } }));
  if (changed.has('entry')) {
    await ctx.clients.s3.send(
      new PutBucketNotificationConfigurationCommand({ Bucket: spec.bucket, NotificationConfiguration: mergeNotifications(current.notifications, id, desiredEntry(spec)) }),
    );
  }
  await record();
  return { ...base, status: created ? 'created' : 'updated', changes, note: `${spec.bucket} ObjectCreated -> queue` };
}

/** Takes out only our entry, leaving every other one; false when it was not there. */
export async function removeBucketNotification(ctx: Context, bucket: string, id: string): Promise<boolean> {
  const current = await readNotifications(ctx, bucket);
  if (!current.QueueConfigurations?.some((queue) => queue.Id === id)) return false;
  await ctx.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: mergeNotifications(current, id, undefined) }));
  return true;
}

const bucketOf = (record: ResourceRecord | undefined, stack: OpenStack) => record?.extra?.bucket ?? stack.store.get('originalsBucket')?.id ?? stack.names.originalsBucket;

/** Our entry, if the bucket has it; a missing bucket has none. */
async function entryIn(ctx: Context, bucket: string, id: string): Promise<QueueConfiguration | undefined> {
  if (!ctx.capabilities.hasControlPlane) return undefined;
  const current = await readNotifications(ctx, bucket).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
  return current?.QueueConfigurations?.find((q) => q.Id === id);
}

/** The entry is ours by its Id, even in an adopted bucket; only that entry is ever removed. */
export const notificationModule: ResourceModule = {
  kind: 'bucketNotification',
  wave: 1,
  ownership: async (ctx, record, stack) => ((await entryIn(ctx, bucketOf(record, stack), record.id)) ? 'owned' : 'absent'),
  async discover(ctx, stack) {
    const id = notificationId(stack.stack);
    const bucket = bucketOf(undefined, stack);
    return (await entryIn(ctx, bucket, id)) ? { id, origin: 'created', extra: { bucket } } : undefined;
  },
  async inspect(ctx, record, stack) {
    const bucket = bucketOf(record, stack);
    const queue = stack.store.get('queue');
    if (!queue) return (await entryIn(ctx, bucket, record.id)) ? { exists: true, ownership: 'owned', drift: [] } : { exists: false, ownership: 'absent', drift: [] };
    const spec = { stack: stack.stack, account: stack.account, region: stack.region, bucket, queueUrl: queue.id, queueArn: queueArnOf(stack.region, stack.account, stack.names.queue) };
    const state = await readNotificationState(ctx, spec);
    const exists = state.notifications.QueueConfigurations?.some((q) => q.Id === record.id) ?? false;
    return exists ? { exists, ownership: 'owned', drift: diffNotification(spec, state) } : { exists: false, ownership: 'absent', drift: [] };
  },
  async remove(ctx, record, stack) {
    await ignoreNotFound(() => removeBucketNotification(ctx, bucketOf(record, stack), record.id));
    return 'removed only the thumbs entry; other notifications kept';
  },
};
