import { randomBytes } from 'node:crypto';
import { assertSpeaksAws } from '../aws/speaks-aws.js';
import type { Context } from '../context.js';
import { convergeBucket } from '../resources/bucket.js';
import { convergeQueues } from '../resources/queues.js';
import type { EnsureResult } from '../resources/resource.js';
import { convergeTable } from '../resources/table.js';
import { ensureTimeIndex, readTimeIndex } from '../resources/table-index.js';
import { assertBucketName } from '../resources/names.js';
import { MAX_RECEIVE_COUNT } from '../config/defaults.js';
import { provisionFunction, type FunctionPhaseOptions } from './provision-function.js';
import { openStack, type OpenStack } from '../state/open-stack.js';
import { describeChange, mergeConfig, recordedConfig, STACK_CONFIG_KEYS, type ConfigChange, type StackConfig, type StackConfigKey } from '../state/stack-config.js';

/**
 * The choices given now (flag, environment or config file; absent keys keep the recorded value),
 * by their StackConfig names, and how this run goes.
 */
export interface ProvisionOptions extends Partial<StackConfig> {
  /** Read only and report the plan; default false. */
  dryRun?: boolean;
  /** false (--no-function): only the data side, this time; not a recorded choice. Default true; the embedded backend never has a function. */
  function?: boolean;
  /** Choices to put back to their default (--reset). */
  reset?: readonly StackConfigKey[];
  /** For tests and benchmarks: the package builder and the retry sleep. */
  buildPackage?: FunctionPhaseOptions['buildPackage'];
  sleep?: FunctionPhaseOptions['sleep'];
}

export interface ProvisionResult {
  stack: string;
  account: string;
  region: string;
  backend: string;
  dryRun: boolean;
  resources: EnsureResult[];
  /** The configuration provisioned and recorded. */
  config: StackConfig;
  /** Each recorded choice this run changed, printed before it was made. */
  changes: ConfigChange[];
  /** The on-request renderer's base URL (the function's URL), once it exists. */
  rendererUrl?: string;
  seconds: number;
}

/** Visibility timeout for a function timeout: Lambda's SQS docs ask for at least 6x. */
export const visibilityTimeoutFor = (functionTimeoutSeconds: number) => 6 * functionTimeoutSeconds;

/** The data side of the stack: buckets, table and queues are independent, so they are ensured concurrently. */
export async function provisionData(ctx: Context, stack: OpenStack, config: StackConfig, dryRun: boolean): Promise<EnsureResult[]> {
  if (config.originalsBucket) assertBucketName(config.originalsBucket, '--originals-bucket');
  if (config.thumbnailsBucket) assertBucketName(config.thumbnailsBucket, '--thumbnails-bucket');
  const { names, store } = stack;
  const bucket = (kind: 'originalsBucket' | 'thumbnailsBucket', adopted: string | undefined) => {
    const name = adopted ?? names[kind];
    return ctx.reporter.step(`bucket ${name}`, () =>
      convergeBucket(ctx, { kind, name, stack: stack.stack, cors: true, adopt: adopted !== undefined }, store, { dryRun }),
    );
  };
  // Items outside the time index are counted while the table is checked, not after.
  const timeIndex = readTimeIndex(ctx, names.table);
  timeIndex.catch(() => undefined);
  const results = await Promise.all([
    bucket('originalsBucket', config.originalsBucket),
    bucket('thumbnailsBucket', config.thumbnailsBucket),
    ctx.reporter.step(`table ${names.table}`, () => convergeTable(ctx, { name: names.table, stack: stack.stack }, store, { dryRun }))
      .then(async (table) => [table, ...(await ensureTimeIndex(ctx, { name: names.table, created: table.status === 'created', current: timeIndex }, { dryRun }))]),
    ctx.reporter.step(`queues ${names.queue}, ${names.deadLetterQueue}`, () =>
      convergeQueues(
        ctx,
        {
          stack: stack.stack,
          account: stack.account,
          region: stack.region,
          name: names.queue,
          deadLetterName: names.deadLetterQueue,
          visibilityTimeoutSeconds: visibilityTimeoutFor(config.timeout),
          maxReceiveCount: MAX_RECEIVE_COUNT,
        },
        store,
        { dryRun },
      ),
    ),
  ]);
  return results.flat();
}

/** Only the choices among the options: what this run gives. */
function givenChoices(options: ProvisionOptions): Partial<StackConfig> {
  return Object.fromEntries(STACK_CONFIG_KEYS.flatMap((key) => (options[key] === undefined ? [] : [[key, options[key]]])));
}

/**
 * `thumbs provision`: the recorded configuration with this run's choices merged in, each change
 * reported before anything is made, then the data side and, where Lambda exists, the function
 * side, concurrently: the function phase reads right away and waits for the data side only where
 * it must (the trigger needs the queue).
 */
export async function provision(ctx: Context, options: ProvisionOptions = {}): Promise<ProvisionResult> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const [stack] = await Promise.all([openStack(ctx, { persist: !dryRun, migrate: !dryRun }), assertSpeaksAws(ctx)]);
  const recorded = stack.hadState ? recordedConfig(stack.store.current) : undefined;
  const { config, changes } = mergeConfig(recorded, givenChoices(options), options.reset ?? []);
  // Generated once, with the first target, and kept even when the targets are removed, so a receiver's key stays valid.
  if (config.notify && !config.notifySecret) config.notifySecret = randomBytes(32).toString('hex');
  for (const change of changes) ctx.reporter.info(describeChange(change));
  // Queued ahead of every resource record; awaited at the end, so a failed write is not unhandled meanwhile.
  // With what this run makes, so that `status` knows a function is missing when a run stops before it.
  const made = { function: options.function !== false && ctx.capabilities.hasControlPlane };
  const configRecorded = stack.store.recordConfig({ ...config, ...made });
  configRecorded.catch(() => undefined);
  const data = provisionData(ctx, stack, config, dryRun);
  let resources: EnsureResult[];
  if (options.function === false) {
    resources = await data;
  } else if (!ctx.capabilities.hasControlPlane) {
    ctx.reporter.info('embedded backend: no Lambda here, so only the data side is provisioned; the local worker runs the same handler');
    resources = await data;
  } else {
    const fn = provisionFunction(ctx, stack, config, { dryRun, buildPackage: options.buildPackage, sleep: options.sleep }, data);
    resources = (await Promise.all([data, fn])).flat();
  }
  await configRecorded;
  // Records made before the table existed reach the stack's record now.
  await stack.store.sync();
  // The webhook key is shown only by `thumbs notify --secret`, never in provision's output.
  const { notifySecret: _secret, ...shown } = config;
  const rendererUrl = stack.store.get('functionUrl')?.extra?.url;
  return {
    stack: stack.stack,
    account: stack.account,
    region: stack.region,
    backend: ctx.target.backend,
    dryRun,
    resources,
    config: shown,
    changes,
    ...(rendererUrl ? { rendererUrl } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}
