import { functionEnvironment, type FunctionSettingValues } from '../config/function-settings.js';
import { choiceDefaults, STACK_CONFIG_KEYS } from '../config/stack-choices.js';
import type { Architecture } from '../package/project.js';
import type { StackState } from './state-file.js';

/**
 * A stack's desired configuration: every choice made by flag, environment or thumbs.config.json,
 * recorded with the stack so that a later command without the flag keeps it. Keys are the
 * flags' camelCase names (`--max-concurrency` is maxConcurrency), as in thumbs.config.json; each
 * one's flag, variable, schema, default and help are in the table of choices (config/stack-choices.ts).
 * It travels unrenamed from the command line to the resource modules.
 */
export interface StackConfig extends FunctionSettingValues {
  /** Adopted buckets and role; absent: thumbs creates and owns its own. */
  originalsBucket?: string;
  thumbnailsBucket?: string;
  roleArn?: string;
  trigger: 'sqs' | 's3';
  arch: Architecture;
  /** MB */
  memory: number;
  /** Function timeout in seconds; the queue's visibility timeout is 6x this. */
  timeout: number;
  maxConcurrency: number;
  /** Seconds */
  batchWindow: number;
  /** What the last provision made: false with --no-function (data side only). Not a choice kept for the next run. */
  function?: boolean;
}

/** The choices a user makes (the table in config/stack-choices.ts); `function` is a fact of the last run, not one. */
export type StackConfigKey = Exclude<keyof StackConfig, 'function'>;

/** Every key, in the order changes are shown. */
export { STACK_CONFIG_KEYS };

export function defaultStackConfig(): StackConfig {
  return choiceDefaults();
}

/** One recorded choice changed by this command. */
export interface ConfigChange {
  attribute: StackConfigKey;
  /** undefined: not set (an adopted resource's key: thumbs' own is used). */
  from: string | number | boolean | undefined;
  to: string | number | boolean | undefined;
}

/**
 * The configuration a state file written before choices were recorded implies: its adopted
 * buckets and role, and s3 trigger when a notification is recorded; everything else was the
 * default then too, unless a flag was given each time (which the next command will say again).
 */
export function impliedConfig(state: Pick<StackState, 'resources'>): StackConfig {
  const { resources } = state;
  const adopted = (kind: 'originalsBucket' | 'thumbnailsBucket') => (resources[kind]?.origin === 'adopted' ? resources[kind]?.id : undefined);
  const role = resources.role?.origin === 'adopted' ? resources.role.arn : undefined;
  return withoutUndefined({
    ...defaultStackConfig(),
    originalsBucket: adopted('originalsBucket'),
    thumbnailsBucket: adopted('thumbnailsBucket'),
    roleArn: role,
    ...(resources.bucketNotification ? { trigger: 's3' as const } : {}),
  });
}

/** The configuration recorded for a stack (or implied by an older state file); undefined for a new stack. */
export function recordedConfig(state: Pick<StackState, 'resources' | 'config'> | undefined): StackConfig | undefined {
  if (!state) return undefined;
  // Keys added in a later release take their default.
  return state.config ? { ...defaultStackConfig(), ...state.config } : impliedConfig(state);
}

/**
 * The settings every command reads: the stack's recorded choices (undefined record: not
 * provisioned here, so the defaults).
 */
export function stackSettings(stack: { hadState: boolean; store: { current: Pick<StackState, 'resources' | 'config'> } }): { config: StackConfig; recorded: boolean } {
  const recorded = stack.hadState ? recordedConfig(stack.store.current) : undefined;
  return { config: recorded ?? defaultStackConfig(), recorded: recorded !== undefined };
}

export interface MergedConfig {
  config: StackConfig;
  /** Empty for a new stack: nothing was recorded to change. */
  changes: ConfigChange[];
}

/**
 * Recorded choices, then those reset to the default, then those given now (flag, environment or
 * config file, already in that precedence): the configuration this command converges to.
 */
export function mergeConfig(recorded: StackConfig | undefined, given: Partial<StackConfig>, reset: readonly StackConfigKey[] = []): MergedConfig {
  const defaults = defaultStackConfig();
  const base: Partial<StackConfig> = { ...(recorded ?? defaults) };
  for (const key of reset) {
    if (defaults[key] === undefined) delete base[key];
    else (base as Record<string, unknown>)[key] = defaults[key];
  }
  const config = withoutUndefined({ ...defaults, ...base, ...withoutUndefined(given) }) as StackConfig;
  const changes = recorded
    ? STACK_CONFIG_KEYS.filter((key) => recorded[key] !== config[key]).map((key) => ({ attribute: key, from: recorded[key], to: config[key] }))
    : [];
  return { config, changes };
}

export function describeChange(change: ConfigChange): string {
  const show = (value: string | number | boolean | undefined) => (value === undefined ? '(thumbs\' own)' : String(value));
  return `${change.attribute}: ${show(change.from)} -> ${show(change.to)}`;
}

/** The function's environment for a configuration (on Lambda and in `thumbs dev` alike). */
export function functionEnvironmentOf(config: StackConfig): Record<string, string> {
  return functionEnvironment(config);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
