import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { ignoreNotFound, isNotFound, unlessNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { queueArnOf } from './arns.js';
import { stackTagMap } from './tags.js';
import type { ResourceRecord } from '../state/state-file.js';
import type { StateStore } from '../state/state-store.js';
import { differs, discovered, notOurs, tagDrift, type Difference, type EnsureOptions, type EnsureResult, type Ownership, type ResourceModule } from './resource.js';

export type QueueKind = 'queue' | 'deadLetterQueue';

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
  /** The user named this work queue explicitly: used as it is, never changed or deleted; its drift is reported. */
  adopt?: boolean;
}

/** 14 days: the longest SQS keeps a message, so nothing in the DLQ expires before someone looks. */
export const DLQ_RETENTION_SECONDS = 1_209_600;

export interface QueueLive {
  url: string;
  arn: string;
  attributes: Record<string, string>;
  /** undefined where the backend stores no tags. */
  tags?: Record<string, string>;
}

export async function queueUrl(ctx: Context, name: string): Promise<string | undefined> {
  return (await unlessNotFound(ctx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))))?.QueueUrl;
}

async function readAt(ctx: Context, url: string): Promise<QueueLive | undefined> {
  try {
    const [{ Attributes = {} }, tags] = await Promise.all([
      ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })),
      ctx.capabilities.readsResourceTags ? ctx.clients.sqs.send(new ListQueueTagsCommand({ QueueUrl: url })).then((r) => r.Tags ?? {}) : undefined,
    ]);
    return { url, arn: Attributes.QueueArn ?? '', attributes: Attributes, tags };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The queue by name. A recorded URL is read at once, alongside GetQueueUrl, and used when the name
 * still leads there (a re-run then costs one round trip); the embedded backend's URLs change with its port.
 */
export async function readQueue(ctx: Context, name: string, knownUrl?: string): Promise<QueueLive | undefined> {
  const early = knownUrl?.startsWith('http') ? readAt(ctx, knownUrl).catch(() => undefined) : undefined;
  const url = await queueUrl(ctx, name);
  if (!url) return undefined;
  const known = url === knownUrl ? await early : undefined;
  return known ?? readAt(ctx, url);
}

/** The one ownership rule for queues: the tag, or existence alone where the backend stores none. */
export function ownsQueue(live: QueueLive | undefined, stack: string): Ownership {
  if (!live) return 'absent';
  return live.tags === undefined || live.tags['thumbs:stack'] === stack ? 'owned' : 'foreign';
}

function describeRedrive(policy: string | undefined): string {
  if (!policy) return 'none';
  try {
    const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(policy) as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    return `${String(deadLetterTargetArn).split(':').pop()} after ${Number(maxReceiveCount)}`;
  } catch {
    return 'unreadable';
  }
}

const redrivePolicy = (deadLetterArn: string, maxReceiveCount: number) => JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount });

/** The work queue: visibility timeout, redrive to the dead-letter queue, tags. */
export function diffQueue(spec: Pick<QueueSpec, 'stack' | 'deadLetterName' | 'visibilityTimeoutSeconds' | 'maxReceiveCount'>, live: QueueLive): Difference[] {
  return [
    ...differs('visibilityTimeout', live.attributes.VisibilityTimeout, String(spec.visibilityTimeoutSeconds)),
    ...differs('redrivePolicy', describeRedrive(live.attributes.RedrivePolicy), `${spec.deadLetterName} after ${spec.maxReceiveCount}`),
    ...(live.tags ? tagDrift(live.tags, stackTagMap(spec.stack)) : []),
  ];
}

export function diffDeadLetterQueue(stack: string, live: QueueLive): Difference[] {
  return [...differs('messageRetention', live.attributes.MessageRetentionPeriod, String(DLQ_RETENTION_SECONDS)), ...(live.tags ? tagDrift(live.tags, stackTagMap(stack)) : [])];
}

/** Exactly the repair calls: one SetQueueAttributes with the differing attributes, one TagQueue if tags differ. */
async function repair(ctx: Context, live: QueueLive, changes: Difference[], wanted: Record<string, string>, stack: string): Promise<void> {
  const names: Record<string, string> = { visibilityTimeout: 'VisibilityTimeout', redrivePolicy: 'RedrivePolicy', messageRetention: 'MessageRetentionPeriod' };
  const attributes = Object.fromEntries(changes.flatMap((c) => (names[c.attribute] ? [[names[c.attribute] as string, wanted[names[c.attribute] as string] as string]] : [])));
  if (Object.keys(attributes).length > 0) await ctx.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: live.url, Attributes: attributes }));
  if (changes.some((c) => c.attribute === 'tags')) await ctx.clients.sqs.send(new TagQueueCommand({ QueueUrl: live.url, Tags: stackTagMap(stack) }));
}

/** The work queue's record keeps what thumbs set, so `status` can tell drift without the provision options. */
function queueRecord(kind: QueueKind, live: { url: string; arn: string }, spec: QueueSpec, origin: ResourceRecord['origin']): ResourceRecord {
  const name = kind === 'queue' ? spec.name : spec.deadLetterName;
  const settings: Record<string, string> = kind === 'queue' ? { visibilityTimeout: String(spec.visibilityTimeoutSeconds), maxReceiveCount: String(spec.maxReceiveCount) } : {};
  return { id: live.url, arn: live.arn, origin, extra: { name, ...settings } };
}

/** Recorded as intended before CreateQueue, by name (the URL comes back only from the create). */
async function create(ctx: Context, kind: QueueKind, spec: QueueSpec, name: string, Attributes: Record<string, string>, store: StateStore): Promise<EnsureResult> {
  await store.record(kind, { id: name, origin: 'created', extra: { name, pending: 'true' } });
  const { QueueUrl = '' } = await ctx.clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes, tags: stackTagMap(spec.stack) }));
  // Queue ARNs are deterministic; computing one saves a GetQueueAttributes round trip on the critical path.
  const arn = queueArnOf(spec.region, spec.account, name);
  await store.record(kind, queueRecord(kind, { url: QueueUrl, arn }, spec, 'created'));
  return { kind, id: QueueUrl, arn, status: 'created' };
}

async function converge(
  ctx: Context,
  kind: QueueKind,
  spec: QueueSpec,
  live: QueueLive,
  changes: Difference[],
  wanted: Record<string, string>,
  store: StateStore,
  options: EnsureOptions,
): Promise<EnsureResult> {
  const name = kind === 'queue' ? spec.name : spec.deadLetterName;
  const base = { kind, id: live.url, arn: live.arn };
  const recorded = store.get(kind);
  const adoptedHere = recorded?.origin === 'adopted' && queueNameOf(recorded) === name;
  if ((kind === 'queue' && spec.adopt) || adoptedHere) {
    if (!options.dryRun && !adoptedHere) await store.record(kind, queueRecord(kind, live, spec, 'adopted'));
    const drift = changes.filter((c) => c.attribute !== 'tags');
    const noRedrive = kind === 'queue' && !live.attributes.RedrivePolicy;
    if (noRedrive) ctx.reporter.warn(`adopted queue ${name} has no redrive policy: failed messages never reach a dead-letter queue`);
    return { ...base, status: 'adopted', ...(drift.length ? { changes: drift, note: noRedrive ? 'adopted: no redrive policy' : 'adopted: drift reported, not repaired' } : {}) };
  }
  if (ownsQueue(live, spec.stack) === 'foreign') throw notOurs('queue', name, spec.stack, kind === 'queue' ? 'Adopt it explicitly by naming it in the stack configuration' : 'Delete it if it is a leftover');
  if (options.dryRun) return changes.length ? { ...base, status: 'planned', changes } : { ...base, status: 'unchanged' };
  const record = queueRecord(kind, live, spec, 'created');
  if (JSON.stringify(recorded) !== JSON.stringify(record)) await store.record(kind, record);
  await repair(ctx, live, changes, wanted, spec.stack);
  return changes.length ? { ...base, status: 'updated', changes } : { ...base, status: 'unchanged' };
}

/** The dead-letter queue, then the work queue redriving to it (SQS checks that the DLQ exists). */
export async function convergeQueues(ctx: Context, spec: QueueSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult[]> {
  const [deadLetter, main] = await Promise.all([readQueue(ctx, spec.deadLetterName, store.get('deadLetterQueue')?.id), readQueue(ctx, spec.name, store.get('queue')?.id)]);
  const deadLetterWanted = { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) };
  const deadLetterArn = deadLetter?.arn || queueArnOf(spec.region, spec.account, spec.deadLetterName);
  const mainWanted = { VisibilityTimeout: String(spec.visibilityTimeoutSeconds), RedrivePolicy: redrivePolicy(deadLetterArn, spec.maxReceiveCount) };
  const dlq = deadLetter
    ? await converge(ctx, 'deadLetterQueue', spec, deadLetter, diffDeadLetterQueue(spec.stack, deadLetter), deadLetterWanted, store, options)
    : options.dryRun
      ? { kind: 'deadLetterQueue' as const, id: spec.deadLetterName, status: 'planned' as const, note: 'create dead-letter queue' }
      : await create(ctx, 'deadLetterQueue', spec, spec.deadLetterName, deadLetterWanted, store);
  if (!main) {
    if (spec.adopt) throw notOurs('queue', spec.name, spec.stack, 'It does not exist: create it first');
    if (options.dryRun) return [dlq, { kind: 'queue', id: spec.name, status: 'planned', note: `create queue, visibility ${spec.visibilityTimeoutSeconds}s, redrive after ${spec.maxReceiveCount}` }];
    return [dlq, await create(ctx, 'queue', spec, spec.name, mainWanted, store)];
  }
  return [dlq, await converge(ctx, 'queue', spec, main, diffQueue(spec, main), mainWanted, store, options)];
}

/** Queue URLs of the embedded backend change with its port, so records are looked up by name again. */
export const queueNameOf = (record: ResourceRecord): string => record.extra?.name ?? record.id.split('/').pop() ?? record.id;

export function queueModule(kind: QueueKind, wave: number): ResourceModule {
  const nameIn = (names: { queue: string; deadLetterQueue: string }) => names[kind];
  return {
    kind,
    wave,
    ownership: async (ctx, record, stack) => ownsQueue(await readQueue(ctx, queueNameOf(record)), stack.stack),
    async discover(ctx, stack) {
      const name = nameIn(stack.names);
      const live = await readQueue(ctx, name);
      return discovered(ownsQueue(live, stack.stack), { id: live?.url ?? name, ...(live?.arn ? { arn: live.arn } : {}), extra: { name } });
    },
    async inspect(ctx, record, stack) {
      const live = await readQueue(ctx, queueNameOf(record));
      if (!live) return { exists: false, ownership: 'absent', drift: [] };
      const adopted = record.origin === 'adopted';
      const shown = adopted ? { ...live, tags: undefined } : live;
      const drift =
        kind === 'deadLetterQueue'
          ? diffDeadLetterQueue(stack.stack, shown)
          : diffQueue(
              {
                stack: stack.stack,
                deadLetterName: stack.names.deadLetterQueue,
                visibilityTimeoutSeconds: Number(record.extra?.visibilityTimeout ?? live.attributes.VisibilityTimeout),
                maxReceiveCount: Number(record.extra?.maxReceiveCount ?? 5),
              },
              shown,
            ).filter((d) => !adopted || d.attribute === 'redrivePolicy');
      return { exists: true, ownership: adopted ? 'owned' : ownsQueue(live, stack.stack), drift };
    },
    async remove(ctx, record) {
      const url = await queueUrl(ctx, queueNameOf(record));
      if (url) await ignoreNotFound(() => ctx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
      return undefined;
    },
  };
}
