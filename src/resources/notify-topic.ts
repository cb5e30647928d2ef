import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  type Subscription,
} from '@aws-sdk/client-sns';
import { ignoreNotFound, unlessNotFound } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import type { StateStore } from '../state/state-store.js';
import { topicArnOf } from './arns.js';
import { discovered, notOurs, tagDrift, type Difference, type EnsureOptions, type EnsureResult, type Ownership, type ResourceModule } from './resource.js';
import { stackTagList, stackTagMap, tagListToMap } from './tags.js';

export interface NotifyTopicSpec {
  stack: string;
  /** thumbs-<stack>-notify */
  name: string;
  region: string;
  account: string;
  /** The email addresses to subscribe (without `email:`); empty: the topic is not wanted. */
  emails: string[];
}

export interface TopicLive {
  arn: string;
  tags: Record<string, string>;
  /** Email endpoints and their subscription ARNs ("PendingConfirmation" until the address confirms). */
  subscriptions: Array<{ endpoint: string; arn: string }>;
}

const sns = (ctx: Context) => controlPlane(ctx).sns;

/** The topic, its tags and its email subscriptions, read together (its ARN follows from the name). */
export async function readTopic(ctx: Context, arn: string): Promise<TopicLive | undefined> {
  const [attributes, tags, subscriptions] = await Promise.all([
    unlessNotFound(sns(ctx).send(new GetTopicAttributesCommand({ TopicArn: arn }))),
    unlessNotFound(sns(ctx).send(new ListTagsForResourceCommand({ ResourceArn: arn }))),
    unlessNotFound(listSubscriptions(ctx, arn)),
  ]);
  if (!attributes) return undefined;
  return {
    arn,
    tags: tagListToMap(tags?.Tags),
    subscriptions: (subscriptions ?? []).filter((s) => s.Protocol === 'email').map((s) => ({ endpoint: s.Endpoint ?? '', arn: s.SubscriptionArn ?? '' })),
  };
}

async function listSubscriptions(ctx: Context, arn: string): Promise<Subscription[]> {
  const all: Subscription[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sns(ctx).send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken }));
    all.push(...(page.Subscriptions ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return all;
}

export function ownsTopic(live: TopicLive | undefined, stack: string): Ownership {
  if (!live) return 'absent';
  return live.tags['thumbs:stack'] === stack ? 'owned' : 'foreign';
}

export function diffTopic(spec: Pick<NotifyTopicSpec, 'stack' | 'emails'>, live: TopicLive): Difference[] {
  const have = live.subscriptions.map((s) => s.endpoint).sort().join(',');
  return [...tagDrift(live.tags, stackTagMap(spec.stack)), ...(have === [...spec.emails].sort().join(',') ? [] : [{ attribute: 'subscriptions', from: have || '(none)', to: [...spec.emails].sort().join(',') || '(none)' }])];
}

/**
 * The stack's topic for email notifications: created (tagged) when an email target is recorded,
 * with one email subscription per address, and deleted when none is. SNS sends each new address a
 * confirmation mail; nothing is delivered to it until the link in that mail is followed.
 */
export async function convergeNotifyTopic(ctx: Context, spec: NotifyTopicSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult | undefined> {
  const arn = topicArnOf(spec.region, spec.account, spec.name);
  const base = { kind: 'notifyTopic' as const, id: spec.name, arn };
  const recorded = store.get('notifyTopic');
  if (spec.emails.length === 0) {
    if (!recorded) return undefined;
    if (options.dryRun) return { ...base, status: 'planned', note: 'delete: no email target recorded' };
    await ignoreNotFound(() => sns(ctx).send(new DeleteTopicCommand({ TopicArn: recorded.arn ?? arn })));
    await store.forget('notifyTopic');
    return { ...base, status: 'updated', note: 'deleted: no email target recorded' };
  }
  const live = await readTopic(ctx, arn);
  if (live && ownsTopic(live, spec.stack) === 'foreign') throw notOurs('SNS topic', spec.name, spec.stack, 'Delete it');
  const changes = live ? diffTopic(spec, live) : [];
  const newAddresses = spec.emails.filter((email) => !live?.subscriptions.some((s) => s.endpoint === email));
  const confirm = newAddresses.length ? `AWS sends a confirmation mail to ${newAddresses.join(', ')} first: follow its link, or no notification reaches that address` : undefined;
  if (options.dryRun) {
    if (!live) return { ...base, status: 'planned', note: `create, subscribe ${spec.emails.join(', ')}` };
    return changes.length ? { ...base, status: 'planned', changes } : { ...base, status: 'unchanged' };
  }
  if (!recorded) await store.record('notifyTopic', { id: spec.name, arn, origin: 'created' });
  if (!live) await sns(ctx).send(new CreateTopicCommand({ Name: spec.name, Tags: stackTagList(spec.stack) }));
  else if (changes.some((c) => c.attribute === 'tags')) await sns(ctx).send(new TagResourceCommand({ ResourceArn: arn, Tags: stackTagList(spec.stack) }));
  for (const email of newAddresses) await sns(ctx).send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: email }));
  // A pending subscription cannot be removed (SNS deletes it after three days unconfirmed); a confirmed one can.
  for (const gone of live?.subscriptions.filter((s) => !spec.emails.includes(s.endpoint) && s.arn.startsWith('arn:')) ?? []) {
    await sns(ctx).send(new UnsubscribeCommand({ SubscriptionArn: gone.arn }));
  }
  if (!live) return { ...base, status: 'created', ...(confirm ? { note: confirm } : {}) };
  return changes.length ? { ...base, status: 'updated', changes, ...(confirm ? { note: confirm } : {}) } : { ...base, status: 'unchanged' };
}

const arnOf = (record: { id: string; arn?: string }, stack: { region: string; account: string }) => record.arn ?? topicArnOf(stack.region, stack.account, record.id);

export const notifyTopicModule: ResourceModule = {
  kind: 'notifyTopic',
  wave: 3,
  ownership: async (ctx, record, stack) => (ctx.capabilities.hasControlPlane ? ownsTopic(await readTopic(ctx, arnOf(record, stack)), stack.stack) : 'absent'),
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    const arn = topicArnOf(stack.region, stack.account, stack.names.notifyTopic);
    return discovered(ownsTopic(await readTopic(ctx, arn), stack.stack), { id: stack.names.notifyTopic, arn });
  },
  async inspect(ctx, record, stack) {
    const live = await readTopic(ctx, arnOf(record, stack));
    if (!live) return { exists: false, ownership: 'absent', drift: [] };
    return { exists: true, ownership: ownsTopic(live, stack.stack), drift: tagDrift(live.tags, stackTagMap(stack.stack)) };
  },
  // DeleteTopic deletes its subscriptions with it.
  async remove(ctx, record, stack) {
    await ignoreNotFound(() => sns(ctx).send(new DeleteTopicCommand({ TopicArn: arnOf(record, stack) })));
    return undefined;
  },
};
