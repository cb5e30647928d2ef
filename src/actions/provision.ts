import type { Context } from '../context.js';
import { convergeBucket } from '../resources/bucket.js';
import { convergeQueues } from '../resources/queues.js';
import type { EnsureResult } from '../resources/resource.js';
import { convergeTable } from '../resources/table.js';
import { ensureTimeIndex } from '../resources/table-index.js';
import { assertBucketName } from '../resources/names.js';
import { provisionFunction, type FunctionPhaseOptions } from './provision-function.js';
import { openStack, type OpenStack } from '../state/open-stack.js';
import type { StackConfig } from '../state/stack-config.js';

export interface ProvisionOptions {
  /** Read only and report the plan; default false. */
  dryRun?: boolean;
  /** Use this existing bucket for originals instead of creating one; it is never changed or deleted. */
  originalsBucket?: string;
  /** Likewise for thumbnails. */
  thumbnailsBucket?: string;
  /** The function's timeout; the queue's visibility timeout is 6x this. Default 30. */
  functionTimeoutSeconds?: number;
  /** false (--no-function): only the data side. Default true; the embedded backend never has a function. */
  function?: boolean;
  /** The desired configuration these options were derived from (stack-config.ts); recorded in the state first. */
  config?: StackConfig;
}

/** Everything provision takes: the data side's options and the function's (arch, memory, role, trigger...). */
export type ProvisionAllOptions = ProvisionOptions & Partial<Omit<FunctionPhaseOptions, 'dryRun' | 'originalsBucket' | 'thumbnailsBucket' | 'timeoutSeconds'>>;

export interface ProvisionResult {
  stack: string;
  account: string;
  region: string;
  backend: string;
  dryRun: boolean;
  resources: EnsureResult[];
  seconds: number;
}

export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 30;
export const MAX_RECEIVE_COUNT = 5;

/** Visibility timeout for a function timeout: Lambda's SQS docs ask for at least 6x. */
export const visibilityTimeoutFor = (functionTimeoutSeconds: number) => 6 * functionTimeoutSeconds;

/** The data side of the stack: buckets, table and queues are independent, so they are ensured concurrently. */
export async function provisionData(ctx: Context, stack: OpenStack, options: ProvisionOptions): Promise<EnsureResult[]> {
  const dryRun = options.dryRun ?? false;
  if (options.originalsBucket) assertBucketName(options.originalsBucket, '--originals-bucket');
  if (options.thumbnailsBucket) assertBucketName(options.thumbnailsBucket, '--thumbnails-bucket');
  const { names, store } = stack;
  const bucket = (kind: 'originalsBucket' | 'thumbnailsBucket', adopted: string | undefined) => {
    const name = adopted ?? names[kind];
    return ctx.reporter.step(`bucket ${name}`, () =>
      convergeBucket(ctx, { kind, name, stack: stack.stack, cors: true, adopt: adopted !== undefined }, store, { dryRun }),
    );
  };
  const timeout = options.functionTimeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS;
  const results = await Promise.all([
    bucket('originalsBucket', options.originalsBucket),
    bucket('thumbnailsBucket', options.thumbnailsBucket),
    ctx.reporter.step(`table ${names.table}`, () => convergeTable(ctx, { name: names.table, stack: stack.stack }, store, { dryRun }))
      .then(async (table) => [table, ...(await ensureTimeIndex(ctx, { name: names.table, created: table.status === 'created' }, store, { dryRun }))]),
    ctx.reporter.step(`queues ${names.queue}, ${names.deadLetterQueue}`, () =>
      convergeQueues(
        ctx,
        {
          stack: stack.stack,
          account: stack.account,
          region: stack.region,
          name: names.queue,
          deadLetterName: names.deadLetterQueue,
          visibilityTimeoutSeconds: visibilityTimeoutFor(timeout),
          maxReceiveCount: MAX_RECEIVE_COUNT,
        },
        store,
        { dryRun },
      ),
    ),
  ]);
  return results.flat();
}

/**
 * Data side and, where Lambda exists, the function side, concurrently: the function phase reads
 * right away and waits for the data side only where it must (the trigger needs the queue).
 */
export async function provision(ctx: Context, options: ProvisionAllOptions = {}): Promise<ProvisionResult> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const stack = await openStack(ctx, { persist: !dryRun, migrate: !dryRun });
  // Queued ahead of every resource record; awaited at the end, so a failed write is not unhandled meanwhile.
  const configRecorded = options.config ? stack.store.recordConfig(options.config) : Promise.resolve();
  configRecorded.catch(() => undefined);
  const data = provisionData(ctx, stack, options);
  let resources: EnsureResult[];
  if (options.function === false) {
    resources = await data;
  } else if (!ctx.capabilities.hasControlPlane) {
    ctx.reporter.info('embedded backend: no Lambda here, so only the data side is provisioned; the local worker runs the same handler');
    resources = await data;
  } else {
    const fn = provisionFunction(ctx, stack, {
      ...options,
      dryRun,
      originalsBucket: options.originalsBucket ?? stack.names.originalsBucket,
      thumbnailsBucket: options.thumbnailsBucket ?? stack.names.thumbnailsBucket,
      timeoutSeconds: options.functionTimeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS,
    }, data);
    resources = (await Promise.all([data, fn])).flat();
  }
  await configRecorded;
  // Records made before the table existed reach the stack's record now.
  await stack.store.sync();
  return {
    stack: stack.stack,
    account: stack.account,
    region: stack.region,
    backend: ctx.target.backend,
    dryRun,
    resources,
    seconds: (performance.now() - started) / 1000,
  };
}
