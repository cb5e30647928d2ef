import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { queueArnOf } from '../resources/arns.js';
import { carriesStackTag, stackTagMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import type { EnsureOptions, EnsureResult } from './types.js';

export interface QueueSpec {
  stack: string;
  account: string;
  region: string;
  name: string;
  deadLetterName: string;
  /** At least 6x the function timeout (Lambda SQS docs), else messages reappear while still being processed. */
  visibilityTimeoutSeconds: number;
  /** SQS docs recommend at least 5, so a throttled function does not send good messages to the DLQ. */
  maxReceiveCount: number;
}

/** 14 days: the longest SQS keeps a message, so nothing in the DLQ expires before someone looks. */
const DLQ_RETENTION_SECONDS = 1_209_600;

export async function queueUrl(ctx: Context, name: string): Promise<string | undefined> {
  try {
    return (await ctx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function queueCarriesTag(ctx: Context, url: string, stack: string): Promise<boolean> {
  const { Tags } = await ctx.clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: url }));
  return carriesStackTag(Tags, stack);
}

async function queueArn(ctx: Context, url: string): Promise<{ arn: string; attributes: Record<string, string> }> {
  const { Attributes = {} } = await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return { arn: Attributes.QueueArn ?? '', attributes: Attributes };
}

function desiredAttributes(spec: QueueSpec, deadLetterArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: spec.maxReceiveCount }),
  };
}

function differs(actual: Record<string, string>, desired: Record<string, string>): string[] {
  return Object.entries(desired)
    .filter(([name, value]) => {
      if (name !== 'RedrivePolicy') return actual[name] !== value;
      const have = JSON.parse(actual[name] ?? '{}') as Record<string, unknown>;
      const want = JSON.parse(value) as Record<string, unknown>;
      return have.deadLetterTargetArn !== want.deadLetterTargetArn || Number(have.maxReceiveCount) !== Number(want.maxReceiveCount);
    })
    .map(([name]) => name);
}

/** The dead-letter queue, then the work queue redriving to it (SQS checks that the DLQ exists). */
export async function ensureQueues(ctx: Context, spec: QueueSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult[]> {
  const [deadLetterUrl, url] = await Promise.all([queueUrl(ctx, spec.deadLetterName), queueUrl(ctx, spec.name)]);
  if (options.dryRun) {
    return [
      deadLetterUrl ? { kind: 'deadLetterQueue', id: spec.deadLetterName, status: 'unchanged' } : { kind: 'deadLetterQueue', id: spec.deadLetterName, status: 'planned', note: 'create dead-letter queue' },
      url ? { kind: 'queue', id: spec.name, status: 'unchanged' } : { kind: 'queue', id: spec.name, status: 'planned', note: `create queue, visibility ${spec.visibilityTimeoutSeconds}s, redrive after ${spec.maxReceiveCount}` },
    ];
  }
  const tags = stackTagMap(spec.stack);
  const deadLetter = deadLetterUrl
    ? await adoptOrKeep(ctx, 'deadLetterQueue', deadLetterUrl, spec.stack, store)
    : await create(ctx, 'deadLetterQueue', spec, spec.deadLetterName, { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) }, tags, store);
  if (!url) {
    return [deadLetter, await create(ctx, 'queue', spec, spec.name, desiredAttributes(spec, deadLetter.arn ?? ''), tags, store)];
  }
  const main = await adoptOrKeep(ctx, 'queue', url, spec.stack, store);
  const { attributes } = await queueArn(ctx, url);
  const changed = differs(attributes, desiredAttributes(spec, deadLetter.arn ?? ''));
  if (changed.length === 0 || main.status === 'adopted') return [deadLetter, main];
  await ctx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: desiredAttributes(spec, deadLetter.arn ?? '') }));
  return [deadLetter, { ...main, status: 'updated', note: `set ${changed.join(', ')}` }];
}

async function create(
  ctx: Context,
  kind: 'queue' | 'deadLetterQueue',
  spec: QueueSpec,
  name: string,
  Attributes: Record<string, string>,
  tags: Record<string, string>,
  store: StateStore,
): Promise<EnsureResult> {
  const { QueueUrl = '' } = await ctx.clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes, tags }));
  // Queue ARNs are deterministic; computing one saves a GetQueueAttributes round trip on the critical path.
  const arn = queueArnOf(spec.region, spec.account, name);
  await store.record(kind, { id: QueueUrl, arn, origin: 'created', extra: { name } });
  return { kind, id: QueueUrl, arn, status: 'created' };
}

async function adoptOrKeep(
  ctx: Context,
  kind: 'queue' | 'deadLetterQueue',
  url: string,
  stack: string,
  store: StateStore,
): Promise<EnsureResult> {
  const recorded = store.get(kind);
  if (recorded?.id === url && recorded.arn) return { kind, id: url, arn: recorded.arn, status: recorded.origin === 'adopted' ? 'adopted' : 'unchanged' };
  const [{ arn }, ours] = await Promise.all([queueArn(ctx, url), queueCarriesTag(ctx, url, stack)]);
  const origin = ours ? 'created' : 'adopted';
  await store.record(kind, { id: url, arn, origin, extra: { name: url.split('/').pop() ?? url } });
  return { kind, id: url, arn, status: ours ? 'unchanged' : 'adopted' };
}
