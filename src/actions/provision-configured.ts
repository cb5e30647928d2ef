import type { Context } from '../context.js';
import { readStackState } from '../state/open-stack.js';
import { describeChange, mergeConfig, recordedConfig, functionEnvironmentOf, type ConfigChange, type StackConfig, type StackConfigKey } from '../state/stack-config.js';
import { provision, type ProvisionAllOptions, type ProvisionResult } from './provision.js';

export interface ConfiguredProvisionOptions {
  dryRun?: boolean;
  /** false (--no-function): only the data side, this time; not a recorded choice. */
  function?: boolean;
  /** Choices given now by flag, environment or config file; absent keys keep the recorded value. */
  given?: Partial<StackConfig>;
  /** Choices to put back to their default (--reset). */
  reset?: readonly StackConfigKey[];
  /** For tests and benchmarks. */
  extra?: Pick<ProvisionAllOptions, 'buildPackage' | 'sleep'>;
}

export interface ConfiguredProvisionResult extends ProvisionResult {
  /** The configuration provisioned and recorded. */
  config: StackConfig;
  /** Each recorded choice this run changed, printed before it was made. */
  changes: ConfigChange[];
}

/** provision's options for a configuration. */
export function provisionOptionsOf(config: StackConfig): ProvisionAllOptions {
  return {
    originalsBucket: config.originalsBucket,
    thumbnailsBucket: config.thumbnailsBucket,
    roleArn: config.roleArn,
    trigger: config.trigger,
    arch: config.arch,
    memoryMb: config.memory,
    functionTimeoutSeconds: config.timeout,
    maxConcurrency: config.maxConcurrency,
    batchWindowSeconds: config.batchWindow,
    functionSettings: functionEnvironmentOf(config),
    config,
  };
}

/**
 * `thumbs provision`: the recorded configuration with this run's choices merged in, each change
 * reported before anything is made, then provision converges the stack to it and records it.
 */
export async function provisionConfigured(ctx: Context, options: ConfiguredProvisionOptions = {}): Promise<ConfiguredProvisionResult> {
  const recorded = recordedConfig(await readStackState(ctx));
  const { config, changes } = mergeConfig(recorded, options.given ?? {}, options.reset ?? []);
  for (const change of changes) ctx.reporter.info(describeChange(change));
  const result = await provision(ctx, {
    ...provisionOptionsOf(config),
    ...options.extra,
    dryRun: options.dryRun,
    ...(options.function === false ? { function: false } : {}),
  });
  return { ...result, config, changes };
}
