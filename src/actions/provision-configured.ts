import { randomBytes } from 'node:crypto';
import type { Context } from '../context.js';
import { stateDirFor } from '../state/open-stack.js';
import { describeChange, mergeConfig, recordedConfig, functionEnvironmentOf, type ConfigChange, type StackConfig, type StackConfigKey } from '../state/stack-config.js';
import { readState } from '../state/state-file.js';
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
    notify: config.notify,
    notifySecret: config.notifySecret,
    config,
  };
}

/**
 * `thumbs provision`: the recorded configuration with this run's choices merged in, each change
 * reported before anything is made, then provision converges the stack to it and records it.
 */
export async function provisionConfigured(ctx: Context, options: ConfiguredProvisionOptions = {}): Promise<ConfiguredProvisionResult> {
  const recorded = recordedConfig(await readState(stateDirFor(ctx), ctx.settings.stack));
  const { config, changes } = mergeConfig(recorded, options.given ?? {}, options.reset ?? []);
  // Generated once, with the first target, and kept even when the targets are removed, so a receiver's key stays valid.
  if (config.notify && !config.notifySecret) config.notifySecret = randomBytes(32).toString('hex');
  for (const change of changes) ctx.reporter.info(describeChange(change));
  const result = await provision(ctx, {
    ...provisionOptionsOf(config),
    ...options.extra,
    dryRun: options.dryRun,
    ...(options.function === false ? { function: false } : {}),
  });
  // The webhook key is shown only by `thumbs notify --secret`, never in provision's output.
  const { notifySecret: _secret, ...shown } = config;
  return { ...result, config: shown, changes };
}
