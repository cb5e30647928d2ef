import {
  CreateEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { stackTagMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import { isQueuePermissionNotVisible, retryPropagation, type Sleep } from './iam-propagation.js';
import type { EnsureOptions, EnsureResult } from './types.js';
import { controlPlane } from '../aws/control-plane.js';

/** One ReceiveMessage's worth, which is what the handler is sized for. */
export const MAPPING_BATCH_SIZE = 10;
/** Lambda's floor for ScalingConfig.MaximumConcurrency. */
export const MIN_MAX_CONCURRENCY = 2;

export interface MappingSpec {
  stack: string;
  functionName: string;
  queueArn: string;
  /** Default 1 s: a few messages are gathered without delaying a lone upload. */
  batchWindowSeconds: number;
  /** Default 5; lab accounts cap account concurrency near 10. */
  maxConcurrency: number;
  sleep?: Sleep;
}

/** The mapping between this function and this queue, if any; a missing function means none. */
export async function findMapping(ctx: Context, functionName: string, queueArn: string): Promise<EventSourceMappingConfiguration | undefined> {
  try {
    const { EventSourceMappings = [] } = await controlPlane(ctx).lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: functionName, EventSourceArn: queueArn }),
    );
    return EventSourceMappings.find((mapping) => mapping.EventSourceArn === queueArn);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function desired(spec: MappingSpec) {
  return {
    BatchSize: MAPPING_BATCH_SIZE,
    MaximumBatchingWindowInSeconds: spec.batchWindowSeconds,
    // Without it one failed record returns the whole batch to the queue (Lambda SQS error handling docs).
    FunctionResponseTypes: ['ReportBatchItemFailures' as const],
    ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
    Enabled: true,
  };
}

export function mappingChanges(actual: EventSourceMappingConfiguration, spec: MappingSpec): string[] {
  const want = desired(spec);
  return [
    ['batch size', actual.BatchSize !== want.BatchSize],
    ['batching window', (actual.MaximumBatchingWindowInSeconds ?? 0) !== want.MaximumBatchingWindowInSeconds],
    ['partial batch responses', !(actual.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')],
    ['max concurrency', actual.ScalingConfig?.MaximumConcurrency !== want.ScalingConfig.MaximumConcurrency],
    ['enabled', actual.State === 'Disabled' || actual.State === 'Disabling'],
  ]
    .filter(([, differs]) => differs)
    .map(([name]) => name as string);
}

/**
 * The SQS trigger: found by function + queue ARN and updated in place, never duplicated.
 * `current` is the result of findMapping when the caller read it early; undefined reads it here.
 */
export async function ensureEventSourceMapping(
  ctx: Context,
  spec: MappingSpec,
  store: StateStore,
  options: EnsureOptions,
  current?: EventSourceMappingConfiguration | null,
): Promise<EnsureResult> {
  const mapping = current === undefined ? await findMapping(ctx, spec.functionName, spec.queueArn) : current ?? undefined;
  const base = { kind: 'eventSourceMapping' as const };
  if (!mapping?.UUID) {
    if (options.dryRun) return { ...base, id: spec.queueArn, status: 'planned', note: 'create SQS trigger' };
    const created = await retryPropagation(
      () => controlPlane(ctx).lambda.send(new CreateEventSourceMappingCommand({ FunctionName: spec.functionName, EventSourceArn: spec.queueArn, ...desired(spec), Tags: stackTagMap(spec.stack) })),
      { retryable: isQueuePermissionNotVisible, sleep: spec.sleep },
    );
    const id = created.UUID ?? '';
    await store.record('eventSourceMapping', { id, arn: created.EventSourceMappingArn, origin: 'created', extra: { queueArn: spec.queueArn } });
    return { ...base, id, arn: created.EventSourceMappingArn, status: 'created', note: `batch ${MAPPING_BATCH_SIZE}, window ${spec.batchWindowSeconds}s, max ${spec.maxConcurrency} concurrent` };
  }
  const id = mapping.UUID;
  if (!options.dryRun && store.get('eventSourceMapping')?.id !== id) {
    await store.record('eventSourceMapping', { id, arn: mapping.EventSourceMappingArn, origin: 'created', extra: { queueArn: spec.queueArn } });
  }
  const changes = mappingChanges(mapping, spec);
  if (changes.length === 0) return { ...base, id, status: 'unchanged' };
  if (options.dryRun) return { ...base, id, status: 'planned', note: `update ${changes.join(', ')}` };
  await controlPlane(ctx).lambda.send(new UpdateEventSourceMappingCommand({ UUID: id, ...desired(spec) }));
  return { ...base, id, status: 'updated', note: `updated ${changes.join(', ')}` };
}
