import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { errorName, isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import type { ResourceKind, StackState } from '../state/state-file.js';

export interface StackHealth {
  /** ok: every data resource recorded exists; degraded: some are missing; unknown: could not be checked here. */
  health: 'ok' | 'degraded' | 'unknown';
  missing: ResourceKind[];
  note?: string;
}

/** One cheap call per data resource (buckets, table, queues): does it still exist? */
async function exists(ctx: Context, kind: ResourceKind, id: string): Promise<boolean | undefined> {
  const check = {
    originalsBucket: () => ctx.clients.s3.send(new HeadBucketCommand({ Bucket: id })),
    thumbnailsBucket: () => ctx.clients.s3.send(new HeadBucketCommand({ Bucket: id })),
    table: () => ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: id })),
    queue: () => ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: id, AttributeNames: ['QueueArn'] })),
    deadLetterQueue: () => ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: id, AttributeNames: ['QueueArn'] })),
  }[kind as 'table'];
  if (!check) return undefined;
  try {
    await check();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Whether the stack's data resources exist, when it lives where this command is pointed. */
export async function stackHealth(ctx: Context, state: StackState): Promise<StackHealth> {
  const endpoint = ctx.target.backend === 'endpoint' ? ctx.target.endpoints?.s3 : undefined;
  if (state.backend !== ctx.target.backend || state.region !== ctx.clients.region || state.endpoint !== endpoint) {
    const flag = state.backend === 'embedded' ? '--local' : state.backend === 'endpoint' ? `--endpoint-url ${state.endpoint ?? ''}` : `--region ${state.region}`;
    return { health: 'unknown', missing: [], note: `lives elsewhere: check with ${flag}` };
  }
  try {
    const checks = await Promise.all(
      Object.entries(state.resources).map(async ([kind, record]) => [kind as ResourceKind, await exists(ctx, kind as ResourceKind, record?.id ?? '')] as const),
    );
    const missing = checks.filter(([, found]) => found === false).map(([kind]) => kind);
    return { health: missing.length > 0 ? 'degraded' : 'ok', missing };
  } catch (error) {
    return { health: 'unknown', missing: [], note: `${errorName(error)}: ${(error as Error).message}` };
  }
}
