import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  paginateListEventSourceMappings,
  UpdateEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
  type UpdateEventSourceMappingRequest,
} from '@aws-sdk/client-lambda';
import { ignoreNotFound, isNotFound, unlessNotFound } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import type { OpenStack } from '../state/open-stack.js';
import type { ResourceRecord } from '../state/state-file.js';
import type { StateStore } from '../state/state-store.js';
import { queueArnOf } from './arns.js';
import { isQueuePermissionNotVisible, retryPropagation, type Sleep } from './iam-propagation.js';
import { differs, type Difference, type EnsureOptions, type EnsureResult, type Ownership, type ResourceModule } from './resource.js';
import { stackTagMap } from './tags.js';

/** One ReceiveMessage's worth, which is what the handler is sized for. */
export const MAPPING_BATCH_SIZE = 10;
/** Lambda's floor for ScalingConfig.MaximumConcurrency. */
export const MIN_MAX_CONCURRENCY = 2;

export interface MappingSpec {
  stack: string;
  functionName: string;
  queueArn: string;
  /** Seconds (the stack's batchWindow choice): a few messages are gathered without delaying a lone upload. */
  batchWindow: number;
  /** Default 5; lab accounts cap account concurrency near 10. */
  maxConcurrency: number;
  sleep?: Sleep;
}

/** A deleted mapping stays listed as Deleting for a while: it is going, and cannot be updated. */
const isGoing = (mapping: EventSourceMappingConfiguration) => mapping.State === 'Deleting';

/**
 * Every mapping between this function and this queue: more than one happens when another tool or a
 * second provision made one; a missing function means none.
 */
export async function findMappings(ctx: Context, functionName: string, queueArn: string): Promise<EventSourceMappingConfiguration[]> {
  try {
    const found: EventSourceMappingConfiguration[] = [];
    for await (const page of paginateListEventSourceMappings({ client: controlPlane(ctx).lambda }, { FunctionName: functionName, EventSourceArn: queueArn })) {
      found.push(...(page.EventSourceMappings ?? []).filter((mapping) => mapping.EventSourceArn === queueArn && !isGoing(mapping)));
    }
    return found;
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** The mapping provision keeps and repairs: the first between this function and this queue. */
export async function findMapping(ctx: Context, functionName: string, queueArn: string): Promise<EventSourceMappingConfiguration | undefined> {
  return (await findMappings(ctx, functionName, queueArn))[0];
}

/**
 * The one ownership rule for the trigger: a mapping of the stack's function to the stack's queue is
 * the stack's (mappings carry no tag that every backend reads back). So it is found by those two.
 */
export const ownsMapping = (mapping: EventSourceMappingConfiguration | undefined): Ownership => (mapping?.UUID ? 'owned' : 'absent');

const isOff = (state: string | undefined) => state === 'Disabled' || state === 'Disabling';

export function diffMapping(spec: Pick<MappingSpec, 'batchWindow' | 'maxConcurrency'>, actual: EventSourceMappingConfiguration): Difference[] {
  return [
    ...differs('batchSize', actual.BatchSize, MAPPING_BATCH_SIZE),
    ...differs('batchWindow', actual.MaximumBatchingWindowInSeconds ?? 0, spec.batchWindow),
    ...differs('maxConcurrency', actual.ScalingConfig?.MaximumConcurrency, spec.maxConcurrency),
    ...differs('enabled', isOff(actual.State) ? 'no' : 'yes', 'yes'),
    // Without it one failed record returns the whole batch to the queue (Lambda SQS error handling docs).
    ...differs('reportBatchItemFailures', (actual.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures') ? 'on' : 'off', 'on'),
  ];
}

/** One UpdateEventSourceMapping carrying exactly the fields that differ. */
function repairRequest(spec: MappingSpec, uuid: string, changes: Difference[]): UpdateEventSourceMappingRequest {
  const changed = new Set(changes.map((c) => c.attribute));
  return {
    UUID: uuid,
    ...(changed.has('batchSize') ? { BatchSize: MAPPING_BATCH_SIZE } : {}),
    ...(changed.has('batchWindow') ? { MaximumBatchingWindowInSeconds: spec.batchWindow } : {}),
    ...(changed.has('maxConcurrency') ? { ScalingConfig: { MaximumConcurrency: spec.maxConcurrency } } : {}),
    ...(changed.has('enabled') ? { Enabled: true } : {}),
    ...(changed.has('reportBatchItemFailures') ? { FunctionResponseTypes: ['ReportBatchItemFailures' as const] } : {}),
  };
}

const recordOf = (spec: MappingSpec, uuid: string, arn?: string): ResourceRecord => ({
  id: uuid,
  ...(arn ? { arn } : {}),
  origin: 'created',
  extra: { queueArn: spec.queueArn, functionName: spec.functionName, batchWindow: String(spec.batchWindow), maxConcurrency: String(spec.maxConcurrency) },
});

/**
 * The SQS trigger: found by function + queue ARN and repaired in place, never duplicated.
 * `current` is the result of findMapping when the caller read it early; undefined reads it here.
 */
export async function convergeEventSourceMapping(
  ctx: Context,
  spec: MappingSpec,
  store: StateStore,
  options: EnsureOptions,
  current?: EventSourceMappingConfiguration | null,
): Promise<EnsureResult> {
  const mapping = current === undefined ? await findMapping(ctx, spec.functionName, spec.queueArn) : (current ?? undefined);
  const base = { kind: 'eventSourceMapping' as const };
  if (!mapping?.UUID) {
    if (options.dryRun) return { ...base, id: spec.queueArn, status: 'planned', note: 'create SQS trigger' };
    // The UUID comes back only from the create: the intent is recorded as pending, found again by function and queue.
    await store.record('eventSourceMapping', { ...recordOf(spec, 'pending'), extra: { ...recordOf(spec, 'pending').extra, pending: 'true' } });
    const created = await retryPropagation(
      () =>
        controlPlane(ctx).lambda.send(
          new CreateEventSourceMappingCommand({
            FunctionName: spec.functionName,
            EventSourceArn: spec.queueArn,
            BatchSize: MAPPING_BATCH_SIZE,
            MaximumBatchingWindowInSeconds: spec.batchWindow,
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
            Enabled: true,
            Tags: stackTagMap(spec.stack),
          }),
        ),
      { retryable: isQueuePermissionNotVisible, sleep: spec.sleep },
    );
    const id = created.UUID ?? '';
    await store.record('eventSourceMapping', recordOf(spec, id, created.EventSourceMappingArn));
    return { ...base, id, arn: created.EventSourceMappingArn, status: 'created', note: `batch ${MAPPING_BATCH_SIZE}, window ${spec.batchWindow}s, max ${spec.maxConcurrency} concurrent` };
  }
  const id = mapping.UUID;
  const changes = diffMapping(spec, mapping);
  const result = { ...base, id, ...(mapping.EventSourceMappingArn ? { arn: mapping.EventSourceMappingArn } : {}) };
  if (options.dryRun) return changes.length ? { ...result, status: 'planned', changes } : { ...result, status: 'unchanged' };
  const record = recordOf(spec, id, mapping.EventSourceMappingArn);
  if (JSON.stringify(store.get('eventSourceMapping')) !== JSON.stringify(record)) await store.record('eventSourceMapping', record);
  if (changes.length === 0) return { ...result, status: 'unchanged' };
  await controlPlane(ctx).lambda.send(new UpdateEventSourceMappingCommand(repairRequest(spec, id, changes)));
  return { ...result, status: 'updated', changes };
}

/** The stack's functionName and queue ARN, as recorded or by the stack's names. */
export const mappingEnds = (record: ResourceRecord | undefined, stack: OpenStack) => ({
  functionName: record?.extra?.functionName ?? stack.names.function,
  queueArn: record?.extra?.queueArn ?? queueArnOf(stack.region, stack.account, stack.names.queue),
});

/**
 * A recorded mapping by its UUID (a mapping outlives its function, and then only the UUID finds it);
 * a pending record, which has no UUID yet, or none, by function and queue. A stale UUID names
 * nothing: any other mapping of function and queue is then an extra one, which provision adopts.
 */
async function mappingOf(ctx: Context, record: ResourceRecord | undefined, stack: OpenStack): Promise<EventSourceMappingConfiguration | undefined> {
  if (!ctx.capabilities.hasControlPlane) return undefined;
  if (record && !record.extra?.pending) {
    const byId = await unlessNotFound(controlPlane(ctx).lambda.send(new GetEventSourceMappingCommand({ UUID: record.id })));
    return byId?.UUID && !isGoing(byId) ? byId : undefined;
  }
  const { functionName, queueArn } = mappingEnds(record, stack);
  return findMapping(ctx, functionName, queueArn);
}

export const mappingModule: ResourceModule = {
  kind: 'eventSourceMapping',
  wave: 1,
  ownership: async (ctx, record, stack) => ownsMapping(await mappingOf(ctx, record, stack)),
  async discover(ctx, stack) {
    const found = await mappingOf(ctx, undefined, stack);
    return found?.UUID ? { id: found.UUID, origin: 'created', ...(found.EventSourceMappingArn ? { arn: found.EventSourceMappingArn } : {}) } : undefined;
  },
  async inspect(ctx, record, stack) {
    const found = await mappingOf(ctx, record, stack);
    if (!found?.UUID) return { exists: false, ownership: 'absent', drift: [] };
    const spec = { batchWindow: Number(record.extra?.batchWindow ?? found.MaximumBatchingWindowInSeconds ?? 0), maxConcurrency: Number(record.extra?.maxConcurrency ?? found.ScalingConfig?.MaximumConcurrency) };
    return { exists: true, ownership: 'owned', drift: diffMapping(spec, found) };
  },
  async remove(ctx, record, stack) {
    const found = await mappingOf(ctx, record, stack);
    if (found?.UUID) await ignoreNotFound(() => controlPlane(ctx).lambda.send(new DeleteEventSourceMappingCommand({ UUID: found.UUID })));
    return undefined;
  },
};
