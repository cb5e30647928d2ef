import { CreateLogGroupCommand, ListTagsForResourceCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { errorName, isAccessDenied } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { logGroupArnOf } from '../resources/arns.js';
import { carriesStackTag, stackTagMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import type { EnsureResult } from './types.js';
import { controlPlane } from '../aws/control-plane.js';

/** Two weeks: enough to debug a run, short enough that logs do not pile up forever. */
export const LOG_RETENTION_DAYS = 14;

export interface LogGroupSpec {
  stack: string;
  /** /aws/lambda/<function> */
  name: string;
  region: string;
  account: string;
}

/** Whether an existing group carries this stack's tag; a denied read counts as not ours. */
async function carriesTag(ctx: Context, spec: LogGroupSpec): Promise<boolean> {
  try {
    const { tags } = await controlPlane(ctx).logs.send(new ListTagsForResourceCommand({ resourceArn: logGroupArnOf(spec.region, spec.account, spec.name) }));
    return carriesStackTag(tags, spec.stack);
  } catch (error) {
    if (isAccessDenied(error)) return false;
    throw error;
  }
}

/**
 * The function's log group, created before Lambda would create it on first invocation, so that it
 * carries the stack's tag and a retention period. A group that already existed without our tag
 * (an older function of the same name, or Lambda got there first) is adopted and left as it is:
 * setting a retention would delete logs that are not ours to delete.
 */
export async function ensureLogGroup(ctx: Context, spec: LogGroupSpec, store: StateStore): Promise<EnsureResult> {
  const { name } = spec;
  if (store.get('logGroup')) return { kind: 'logGroup', id: name, status: 'unchanged' };
  let status: EnsureResult['status'] = 'created';
  try {
    await controlPlane(ctx).logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: stackTagMap(spec.stack) }));
  } catch (error) {
    if (errorName(error) !== 'ResourceAlreadyExistsException') throw error;
    if (!(await carriesTag(ctx, spec))) {
      await store.record('logGroup', { id: name, origin: 'adopted' });
      return { kind: 'logGroup', id: name, status: 'adopted', note: 'existed without the thumbs:stack tag; retention left as it is' };
    }
    status = 'unchanged';
  }
  await controlPlane(ctx).logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: LOG_RETENTION_DAYS }));
  await store.record('logGroup', { id: name, origin: 'created' });
  return { kind: 'logGroup', id: name, status, note: `retention ${LOG_RETENTION_DAYS} days` };
}
