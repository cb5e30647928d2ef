import {
  CreateFunctionCommand,
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
  type GetFunctionCommandOutput,
} from '@aws-sdk/client-lambda';
import { readFile } from 'node:fs/promises';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import type { Architecture } from '../package/project.js';
import { carriesStackTag, stackTagMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import { isRoleNotAssumable, retryPropagation, type Sleep } from './iam-propagation.js';
import type { EnsureOptions, EnsureResult } from './types.js';
import { controlPlane } from '../aws/control-plane.js';

export const FUNCTION_RUNTIME = 'nodejs22.x';

export interface FunctionSpec {
  stack: string;
  name: string;
  roleArn: string;
  /** Default 1024 MB. */
  memoryMb: number;
  /** Default 30 s. */
  timeoutSeconds: number;
  arch: Architecture;
  handler: string;
  environment: Record<string, string>;
  /** The built zip and its base64 SHA-256 (Lambda's CodeSha256). */
  zipPath: string;
  sha256: string;
  /** Injectable for tests; default setTimeout. */
  sleep?: Sleep;
}

export type CurrentFunction = GetFunctionCommandOutput | undefined;

export async function readFunction(ctx: Context, name: string): Promise<CurrentFunction> {
  try {
    return await controlPlane(ctx).lambda.send(new GetFunctionCommand({ FunctionName: name }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Waits bound to this function; the first poll is immediate, so an idle function costs one call. */
const waiter = (ctx: Context) => ({ client: controlPlane(ctx).lambda, maxWaitTime: 300, minDelay: 1, maxDelay: 5 });

function desiredConfiguration(spec: FunctionSpec) {
  return {
    FunctionName: spec.name,
    Role: spec.roleArn,
    Runtime: FUNCTION_RUNTIME,
    Handler: spec.handler,
    MemorySize: spec.memoryMb,
    Timeout: spec.timeoutSeconds,
    Environment: { Variables: spec.environment },
  } as const;
}

/** Names of the settings that differ; the architecture goes with the code, not the configuration. */
export function configurationChanges(actual: FunctionConfiguration, spec: FunctionSpec): string[] {
  const desired = desiredConfiguration(spec);
  const env = (vars: Record<string, string> | undefined) => JSON.stringify(Object.entries(vars ?? {}).sort());
  const changes: Array<[string, boolean]> = [
    ['role', actual.Role !== desired.Role],
    ['runtime', actual.Runtime !== desired.Runtime],
    ['handler', actual.Handler !== desired.Handler],
    ['memory', actual.MemorySize !== desired.MemorySize],
    ['timeout', actual.Timeout !== desired.Timeout],
    ['environment', env(actual.Environment?.Variables) !== env(desired.Environment.Variables)],
  ];
  return changes.filter(([, differs]) => differs).map(([name]) => name);
}

async function createFunction(ctx: Context, spec: FunctionSpec, store: StateStore): Promise<EnsureResult> {
  const ZipFile = await readFile(spec.zipPath);
  const created = await retryPropagation(
    () => controlPlane(ctx).lambda.send(new CreateFunctionCommand({ ...desiredConfiguration(spec), Code: { ZipFile }, Architectures: [spec.arch], Tags: stackTagMap(spec.stack) })),
    {
      retryable: isRoleNotAssumable,
      sleep: spec.sleep,
      onRetry: (attempt, ms) => ctx.reporter.detail(`role not assumable by Lambda yet (IAM propagation), retry ${attempt} in ${ms / 1000}s`),
    },
  );
  const arn = created.FunctionArn ?? '';
  await store.record('function', { id: spec.name, arn, origin: 'created', extra: { arch: spec.arch } });
  await waitUntilFunctionActiveV2(waiter(ctx), { FunctionName: spec.name });
  return { kind: 'function', id: spec.name, arn, status: 'created', note: `${spec.arch}, ${spec.memoryMb} MB, ${spec.timeoutSeconds}s` };
}

/** Updates code only (the `deploy` fast path): one UpdateFunctionCode, then wait until it is live. */
export async function updateCode(ctx: Context, spec: Pick<FunctionSpec, 'name' | 'zipPath' | 'arch'>): Promise<void> {
  const ZipFile = await readFile(spec.zipPath);
  await controlPlane(ctx).lambda.send(new UpdateFunctionCodeCommand({ FunctionName: spec.name, ZipFile, Architectures: [spec.arch] }));
  await waitUntilFunctionUpdatedV2(waiter(ctx), { FunctionName: spec.name });
}

/** A previous run may have left an update in flight; a new one would fail with ResourceConflictException. */
export async function settle(ctx: Context, config: FunctionConfiguration): Promise<void> {
  if (config.State === 'Pending') await waitUntilFunctionActiveV2(waiter(ctx), { FunctionName: config.FunctionName });
  if (config.LastUpdateStatus === 'InProgress') await waitUntilFunctionUpdatedV2(waiter(ctx), { FunctionName: config.FunctionName });
}

/**
 * The thumbnail function. Created when absent (retrying only the IAM propagation error), else
 * compared (configuration, CodeSha256, architecture) and updated only where it differs.
 */
export async function ensureFunction(ctx: Context, spec: FunctionSpec, current: CurrentFunction, store: StateStore, options: EnsureOptions): Promise<EnsureResult> {
  if (!current?.Configuration) {
    if (options.dryRun) return { kind: 'function', id: spec.name, status: 'planned', note: `create ${FUNCTION_RUNTIME} ${spec.arch} function` };
    return createFunction(ctx, spec, store);
  }
  const config = current.Configuration;
  const arn = config.FunctionArn ?? '';
  if (store.get('function')?.origin !== 'created' && !carriesStackTag(current.Tags, spec.stack)) {
    throw new ThumbsError('function-taken', `a function named ${spec.name} exists and does not belong to stack ${spec.stack}`, {
      hint: 'Choose another --stack, or delete that function if it is a leftover.',
    });
  }
  const changes = configurationChanges(config, spec);
  const codeChanged = config.CodeSha256 !== spec.sha256 || config.Architectures?.[0] !== spec.arch;
  const note = [...changes, ...(codeChanged ? ['code'] : [])].join(', ');
  if (!options.dryRun && !store.get('function')) await store.record('function', { id: spec.name, arn, origin: 'created', extra: { arch: spec.arch } });
  if (note === '') return { kind: 'function', id: spec.name, arn, status: 'unchanged' };
  if (options.dryRun) return { kind: 'function', id: spec.name, arn, status: 'planned', note: `update ${note}` };
  await settle(ctx, config);
  if (changes.length > 0) {
    await controlPlane(ctx).lambda.send(new UpdateFunctionConfigurationCommand(desiredConfiguration(spec)));
    await waitUntilFunctionUpdatedV2(waiter(ctx), { FunctionName: spec.name });
  }
  if (codeChanged) await updateCode(ctx, spec);
  await store.record('function', { id: spec.name, arn, origin: 'created', extra: { arch: spec.arch } });
  return { kind: 'function', id: spec.name, arn, status: 'updated', note: `updated ${note}` };
}
