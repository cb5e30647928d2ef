import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { errorName, ignoreNotFound, isAccessDenied, isNotFound } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import type { StateStore } from '../state/state-store.js';
import { logGroupArnOf } from './arns.js';
import { differs, discovered, notOurs, resultOf, tagDrift, type Difference, type EnsureOptions, type EnsureResult, type Ownership, type ResourceModule } from './resource.js';
import { stackTagMap } from './tags.js';

/** Two weeks: enough to debug a run, short enough that logs do not pile up forever. */
export const LOG_RETENTION_DAYS = 14;

export interface LogGroupSpec {
  stack: string;
  /** /aws/lambda/<function> */
  name: string;
  region: string;
  account: string;
}

export interface LogGroupLive {
  retentionDays: number | undefined;
  /** undefined: the tags could not be read (denied), which proves nothing. */
  tags: Record<string, string> | undefined;
}

/** The group and its tags, read at once (its ARN is known from the name): one round trip. */
export async function readLogGroup(ctx: Context, spec: Pick<LogGroupSpec, 'name' | 'region' | 'account'>): Promise<LogGroupLive | undefined> {
  const logs = controlPlane(ctx).logs;
  const [{ logGroups = [] }, tags] = await Promise.all([
    logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: spec.name, limit: 1 })),
    (async () => {
      try {
        return (await logs.send(new ListTagsForResourceCommand({ resourceArn: logGroupArnOf(spec.region, spec.account, spec.name) })))?.tags ?? {};
      } catch (error) {
        // A denied tag read proves nothing; a missing group has no tags (DescribeLogGroups says which).
        if (isAccessDenied(error) || isNotFound(error)) return undefined;
        throw error;
      }
    })(),
  ]);
  const group = logGroups.find((g) => g.logGroupName === spec.name);
  return group ? { retentionDays: group.retentionInDays, tags } : undefined;
}

/**
 * The one ownership rule for log groups: only the stack's tag proves it (a group of the same name
 * may hold an older function's logs), and a denied tag read proves nothing, so it counts as foreign.
 */
export function ownsLogGroup(live: LogGroupLive | undefined, stack: string): Ownership {
  if (!live) return 'absent';
  return live.tags?.['thumbs:stack'] === stack ? 'owned' : 'foreign';
}

export function diffLogGroup(stack: string, live: LogGroupLive): Difference[] {
  return [...differs('retentionDays', live.retentionDays ?? 'never expire', LOG_RETENTION_DAYS), ...(live.tags ? tagDrift(live.tags, stackTagMap(stack)) : [])];
}

/**
 * The function's log group, created before the function (which would otherwise make an untagged one
 * on first invocation), with the stack's tag and a retention period. Recorded before the create.
 */
export async function convergeLogGroup(ctx: Context, spec: LogGroupSpec, store: StateStore, options: EnsureOptions, raced = false): Promise<EnsureResult> {
  const base = { kind: 'logGroup' as const, id: spec.name };
  const recorded = store.get('logGroup');
  const live = await readLogGroup(ctx, spec);
  if (recorded?.origin === 'adopted' && recorded.id === spec.name) {
    const drift = live ? diffLogGroup(spec.stack, { ...live, tags: undefined }) : [];
    return { ...base, status: 'adopted', ...(drift.length ? { changes: drift, note: 'adopted: drift reported, not repaired' } : {}) };
  }
  if (!live) {
    if (options.dryRun) return { ...base, status: 'planned', note: `create with retention ${LOG_RETENTION_DAYS} days` };
    await store.record('logGroup', { id: spec.name, origin: 'created' });
    try {
      await controlPlane(ctx).logs.send(new CreateLogGroupCommand({ logGroupName: spec.name, tags: stackTagMap(spec.stack) }));
    } catch (error) {
      // Another command (or Lambda itself) made it between our read and this create: judge it again.
      if (errorName(error) !== 'ResourceAlreadyExistsException' || raced) throw error;
      return convergeLogGroup(ctx, spec, store, options, true);
    }
    await controlPlane(ctx).logs.send(new PutRetentionPolicyCommand({ logGroupName: spec.name, retentionInDays: LOG_RETENTION_DAYS }));
    return { ...base, status: 'created', note: `retention ${LOG_RETENTION_DAYS} days` };
  }
  if (ownsLogGroup(live, spec.stack) === 'foreign') {
    throw notOurs('log group', spec.name, spec.stack, 'It may hold an older function\'s logs: export what you need and delete it');
  }
  const changes = diffLogGroup(spec.stack, live);
  if (!options.dryRun) {
    if (!recorded) await store.record('logGroup', { id: spec.name, origin: 'created' });
    const changed = new Set(changes.map((c) => c.attribute));
    const logs = controlPlane(ctx).logs;
    await Promise.all([
      changed.has('retentionDays') && logs.send(new PutRetentionPolicyCommand({ logGroupName: spec.name, retentionInDays: LOG_RETENTION_DAYS })),
      changed.has('tags') && logs.send(new TagResourceCommand({ resourceArn: logGroupArnOf(spec.region, spec.account, spec.name), tags: stackTagMap(spec.stack) })),
    ]);
  }
  return resultOf(base, changes, options.dryRun);
}

const where = (stack: { region: string; account: string }, name: string) => ({ name, region: stack.region, account: stack.account });

export const logGroupModule: ResourceModule = {
  kind: 'logGroup',
  wave: 3,
  ownership: async (ctx, record, stack) => (ctx.capabilities.hasControlPlane ? ownsLogGroup(await readLogGroup(ctx, where(stack, record.id)), stack.stack) : 'absent'),
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    return discovered(ownsLogGroup(await readLogGroup(ctx, where(stack, stack.names.logGroup)), stack.stack), { id: stack.names.logGroup });
  },
  async inspect(ctx, record, stack) {
    const live = await readLogGroup(ctx, where(stack, record.id));
    if (!live) return { exists: false, ownership: 'absent', drift: [] };
    const adopted = record.origin === 'adopted';
    return { exists: true, ownership: adopted ? 'owned' : ownsLogGroup(live, stack.stack), drift: diffLogGroup(stack.stack, adopted ? { ...live, tags: undefined } : live) };
  },
  async remove(ctx, record) {
    await ignoreNotFound(() => controlPlane(ctx).logs.send(new DeleteLogGroupCommand({ logGroupName: record.id })));
    return undefined;
  },
};
