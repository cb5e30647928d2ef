import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
  type GetFunctionCommandOutput,
} from '@aws-sdk/client-lambda';
import { readFile } from 'node:fs/promises';
import { ignoreNotFound, unlessNotFound } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import { DEFAULT_ARCH, type Architecture } from '../package/project.js';
import type { ResourceRecord } from '../state/state-file.js';
import type { StackConfig } from '../state/stack-config.js';
import type { StateStore } from '../state/state-store.js';
import { functionArnOf } from './arns.js';
import { isRoleNotAssumable, retryPropagation, type Sleep } from './iam-propagation.js';
import { differs, differsReported, discovered, judged, notOurs, tagDrift, type Difference, type EnsureOptions, type EnsureResult, type Ownership, type ResourceModule } from './resource.js';
import { stackTagMap } from './tags.js';

export const FUNCTION_RUNTIME = 'nodejs22.x';
/** Structured logs: `thumbs logs` reads them as JSON. */
export const FUNCTION_LOG_FORMAT = 'JSON';

/** memory (MB), timeout (seconds) and arch are the stack's choices (StackConfig), by the same names. */
export interface FunctionSpec extends Pick<StackConfig, 'memory' | 'timeout' | 'arch'> {
  stack: string;
  name: string;
  roleArn: string;
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
  return unlessNotFound(controlPlane(ctx).lambda.send(new GetFunctionCommand({ FunctionName: name })));
}

/** The one ownership rule for functions: the tag, which CreateFunction sets atomically. */
export function ownsFunction(current: CurrentFunction, stack: string): Ownership {
  if (!current?.Configuration) return 'absent';
  return current.Tags?.['thumbs:stack'] === stack ? 'owned' : 'foreign';
}

/** Waits bound to this function; the first poll is immediate, so an idle function costs one call. */
const waiter = (ctx: Context) => ({ client: controlPlane(ctx).lambda, maxWaitTime: 300, minDelay: 1, maxDelay: 5 });

function desiredConfiguration(spec: FunctionSpec) {
  return {
    FunctionName: spec.name,
    Role: spec.roleArn,
    Runtime: FUNCTION_RUNTIME,
    Handler: spec.handler,
    MemorySize: spec.memory,
    Timeout: spec.timeout,
    Environment: { Variables: spec.environment },
    LoggingConfig: { LogFormat: FUNCTION_LOG_FORMAT },
  } as const;
}

/** Attributes that one UpdateFunctionConfiguration repairs; architecture and code go with UpdateFunctionCode. */
const CONFIGURATION = new Set(['role', 'runtime', 'handler', 'memory', 'timeout', 'logFormat']);

function environmentDrift(actual: Record<string, string> | undefined, wanted: Record<string, string>): Difference[] {
  const keys = [...new Set([...Object.keys(actual ?? {}), ...Object.keys(wanted)])].sort();
  return keys.flatMap((key) => differs(`environment.${key}`, actual?.[key], wanted[key]));
}

/**
 * Every attribute thumbs sets that differs. Parts of the spec left empty (status knows no code
 * hash or handler without building the package) are not compared.
 */
export function diffFunction(spec: Partial<FunctionSpec> & Pick<FunctionSpec, 'stack'>, current: NonNullable<CurrentFunction>): Difference[] {
  const config: FunctionConfiguration = current.Configuration ?? {};
  const when = <T>(wanted: T | undefined, diff: (wanted: T) => Difference[]) => (wanted === undefined || wanted === '' ? [] : diff(wanted));
  return [
    ...when(spec.roleArn, (w) => differs('role', config.Role, w)),
    ...differs('runtime', config.Runtime, FUNCTION_RUNTIME),
    ...when(spec.handler, (w) => differs('handler', config.Handler, w)),
    ...when(spec.memory, (w) => differs('memory', config.MemorySize, w)),
    ...when(spec.timeout, (w) => differs('timeout', config.Timeout, w)),
    // AWS always returns LoggingConfig (Text unless set); an endpoint without it cannot say.
    ...differsReported('logFormat', config.LoggingConfig?.LogFormat, FUNCTION_LOG_FORMAT, 'Text'),
    ...when(spec.environment, (w) => environmentDrift(config.Environment?.Variables, w)),
    ...when(spec.arch, (w) => differs('architecture', config.Architectures?.[0] ?? DEFAULT_ARCH, w)),
    ...when(spec.sha256, (w) => differs('code', config.CodeSha256, w)),
    ...tagDrift(current.Tags, stackTagMap(spec.stack)),
  ];
}

/** What `status` compares a function with later: the settings this provision applied. */
function applied(spec: FunctionSpec): Record<string, string> {
  return { arch: spec.arch, memory: String(spec.memory), timeout: String(spec.timeout), handler: spec.handler, codeSha256: spec.sha256, environment: JSON.stringify(spec.environment) };
}

const recordOf = (ctx: Context, spec: FunctionSpec, account: string, arn?: string): ResourceRecord => ({
  id: spec.name,
  arn: arn || functionArnOf(ctx.clients.region, account, spec.name),
  origin: 'created',
  extra: applied(spec),
});

/** Recorded as intended before CreateFunction, so a provision killed right after still has it on record. */
async function createFunction(ctx: Context, spec: FunctionSpec, store: StateStore): Promise<EnsureResult> {
  await store.record('function', recordOf(ctx, spec, store.current.account));
  const ZipFile = await readFile(spec.zipPath);
  const created = await retryPropagation(
    () =>
      controlPlane(ctx).lambda.send(
        new CreateFunctionCommand({ ...desiredConfiguration(spec), Code: { ZipFile }, Architectures: [spec.arch], Tags: stackTagMap(spec.stack) }),
      ),
    {
      retryable: isRoleNotAssumable,
      sleep: spec.sleep,
      onRetry: (attempt, ms) => ctx.reporter.detail(`role not assumable by Lambda yet (IAM propagation), retry ${attempt} in ${ms / 1000}s`),
    },
  );
  const arn = created.FunctionArn ?? '';
  await waitUntilFunctionActiveV2(waiter(ctx), { FunctionName: spec.name });
  return { kind: 'function', id: spec.name, arn, status: 'created', note: `${spec.arch}, ${spec.memory} MB, ${spec.timeout}s` };
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
 * compared attribute by attribute and repaired with exactly the calls the differences need.
 */
export async function convergeFunction(ctx: Context, spec: FunctionSpec, current: CurrentFunction, store: StateStore, options: EnsureOptions): Promise<EnsureResult> {
  if (!current?.Configuration) {
    if (options.dryRun) return { kind: 'function', id: spec.name, status: 'planned', note: `create ${FUNCTION_RUNTIME} ${spec.arch} function` };
    return createFunction(ctx, spec, store);
  }
  const config = current.Configuration;
  const arn = config.FunctionArn ?? '';
  if (ownsFunction(current, spec.stack) === 'foreign') throw notOurs('function', spec.name, spec.stack, 'Delete it if it is a leftover');
  // What this endpoint does not report is never "repaired": the same update would be sent on every run.
  const changes = judged(ctx, diffFunction(spec, current)).drift;
  const base = { kind: 'function' as const, id: spec.name, arn };
  if (options.dryRun) return changes.length ? { ...base, status: 'planned', changes } : { ...base, status: 'unchanged' };
  const record = recordOf(ctx, spec, store.current.account, arn);
  if (JSON.stringify(store.get('function')) !== JSON.stringify(record)) await store.record('function', record);
  if (changes.length === 0) return { ...base, status: 'unchanged' };
  const changed = changes.map((c) => c.attribute.split('.')[0] ?? c.attribute);
  await settle(ctx, config);
  const lambda = controlPlane(ctx).lambda;
  if (changed.some((a) => CONFIGURATION.has(a) || a === 'environment')) {
    await lambda.send(new UpdateFunctionConfigurationCommand(desiredConfiguration(spec)));
    await waitUntilFunctionUpdatedV2(waiter(ctx), { FunctionName: spec.name });
  }
  if (changed.includes('code') || changed.includes('architecture')) await updateCode(ctx, spec);
  if (changed.includes('tags')) await lambda.send(new TagResourceCommand({ Resource: arn, Tags: stackTagMap(spec.stack) }));
  return { ...base, status: 'updated', changes };
}

/** The function as `status` expects it: what the last provision applied, and the role on record. */
function recordedSpec(record: ResourceRecord, stack: { stack: string; store: StateStore }): Partial<FunctionSpec> & { stack: string } {
  const extra = record.extra ?? {};
  return {
    stack: stack.stack,
    roleArn: stack.store.get('role')?.arn,
    ...(extra.memory ? { memory: Number(extra.memory) } : {}),
    ...(extra.timeout ? { timeout: Number(extra.timeout) } : {}),
    ...(extra.arch ? { arch: extra.arch as Architecture } : {}),
    ...(extra.handler ? { handler: extra.handler } : {}),
    ...(extra.codeSha256 ? { sha256: extra.codeSha256 } : {}),
    ...(extra.environment ? { environment: JSON.parse(extra.environment) as Record<string, string> } : {}),
  };
}

export const functionModule: ResourceModule = {
  kind: 'function',
  wave: 2,
  ownership: async (ctx, record, stack) => (ctx.capabilities.hasControlPlane ? ownsFunction(await readFunction(ctx, record.id), stack.stack) : 'absent'),
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    const current = await readFunction(ctx, stack.names.function);
    return discovered(ownsFunction(current, stack.stack), { id: stack.names.function, ...(current?.Configuration?.FunctionArn ? { arn: current.Configuration.FunctionArn } : {}) });
  },
  async inspect(ctx, record, stack) {
    const current = await readFunction(ctx, record.id);
    if (!current?.Configuration) return { exists: false, ownership: 'absent', drift: [] };
    return { exists: true, ownership: ownsFunction(current, stack.stack), drift: diffFunction(recordedSpec(record, stack), current) };
  },
  async remove(ctx, record) {
    await ignoreNotFound(() => controlPlane(ctx).lambda.send(new DeleteFunctionCommand({ FunctionName: record.id })));
    return undefined;
  },
};
