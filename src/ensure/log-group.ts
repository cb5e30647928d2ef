import { CreateLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { errorName } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { stackTagMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import type { EnsureResult } from './types.js';
import { controlPlane } from '../aws/control-plane.js';

/** Two weeks: enough to debug a run, short enough that logs do not pile up forever. */
export const LOG_RETENTION_DAYS = 14;

/**
 * The function's log group, created before Lambda would create it on first invocation, so that it
 * carries the stack's tag and a retention period. It is recorded either way: it holds only our function's logs.
 */
export async function ensureLogGroup(ctx: Context, stack: string, name: string, store: StateStore): Promise<EnsureResult> {
  if (store.get('logGroup')) return { kind: 'logGroup', id: name, status: 'unchanged' };
  let status: EnsureResult['status'] = 'created';
  try {
    await controlPlane(ctx).logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: stackTagMap(stack) }));
  } catch (error) {
    if (errorName(error) !== 'ResourceAlreadyExistsException') throw error;
    status = 'unchanged';
  }
  await controlPlane(ctx).logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: LOG_RETENTION_DAYS }));
  await store.record('logGroup', { id: name, origin: 'created' });
  return { kind: 'logGroup', id: name, status, note: `retention ${LOG_RETENTION_DAYS} days` };
}
