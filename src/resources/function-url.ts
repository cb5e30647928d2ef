import {
  AddPermissionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
  type AddPermissionRequest,
  type Cors,
  type GetFunctionUrlConfigCommandOutput,
} from '@aws-sdk/client-lambda';
import { errorName, ignoreNotFound, unlessNotFound } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import type { ResourceRecord } from '../state/state-file.js';
import type { StateStore } from '../state/state-store.js';
import { ownsFunction, readFunction } from './function.js';
import { differs, type Difference, type EnsureOptions, type EnsureResult, type Ownership, type ResourceModule } from './resource.js';

/**
 * The renderer's public HTTPS endpoint: a Lambda function URL on the stack's function (the
 * function's one Handler routes its requests to the renderer). Its own checks are the URL
 * signatures, so the URL is public (AuthType NONE). A function URL carries no tags: it is the
 * stack's when its function is.
 */

/** Public; AWS_IAM is kept when found, as the URL behind CloudFront's origin access control is (README). */
export const URL_AUTH_TYPE = 'NONE';
/** The URL serves images: any page may GET them. */
export const URL_CORS: Cors = { AllowOrigins: ['*'], AllowMethods: ['GET', 'HEAD'] };

/**
 * The resource-based statements a public function URL needs, under fixed ids so a re-run finds
 * them. Since October 2025 a new function URL needs lambda:InvokeFunction beside
 * lambda:InvokeFunctionUrl (Lambda developer guide, "Control access to Lambda function URLs");
 * InvokedViaFunctionUrl limits the second to calls through the URL.
 */
export const URL_PERMISSIONS: ReadonlyArray<Omit<AddPermissionRequest, 'FunctionName'> & { StatementId: string }> = [
  { StatementId: 'thumbs-function-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' },
  { StatementId: 'thumbs-function-url-invoke', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true },
];

export interface FunctionUrlSpec {
  stack: string;
  functionName: string;
}

export interface FunctionUrlLive {
  config: GetFunctionUrlConfigCommandOutput;
  /** The Sids of the function's resource-based policy. */
  statements: string[];
}

const lambda = (ctx: Context) => controlPlane(ctx).lambda;

/** The URL's configuration and the function's statement ids; undefined when the function has no URL. */
export async function readFunctionUrl(ctx: Context, functionName: string): Promise<FunctionUrlLive | undefined> {
  const [config, policy] = await Promise.all([
    unlessNotFound(lambda(ctx).send(new GetFunctionUrlConfigCommand({ FunctionName: functionName }))),
    unlessNotFound(lambda(ctx).send(new GetPolicyCommand({ FunctionName: functionName }))),
  ]);
  if (!config?.FunctionUrl) return undefined;
  const statements = (JSON.parse(policy?.Policy ?? '{}') as { Statement?: Array<{ Sid?: string }> }).Statement ?? [];
  return { config, statements: statements.flatMap((s) => (s.Sid ? [s.Sid] : [])) };
}

const list = (values: string[] | undefined) => [...(values ?? [])].sort().join(',');
const isIam = (live: FunctionUrlLive) => live.config.AuthType === 'AWS_IAM';

/** Statements a public URL needs; behind CloudFront (AWS_IAM) they are the user's business. */
const wantedPermissions = (live: FunctionUrlLive | undefined) => (live && isIam(live) ? [] : URL_PERMISSIONS);

export function diffFunctionUrl(live: FunctionUrlLive): Difference[] {
  const { config } = live;
  return [
    ...(isIam(live) ? [] : differs('authType', config.AuthType, URL_AUTH_TYPE)),
    ...differs('cors.allowOrigins', list(config.Cors?.AllowOrigins), list(URL_CORS.AllowOrigins)),
    ...differs('cors.allowMethods', list(config.Cors?.AllowMethods), list(URL_CORS.AllowMethods)),
    ...wantedPermissions(live).flatMap((p) => differs(`permission.${p.StatementId}`, live.statements.includes(p.StatementId) ? 'present' : '', 'present')),
  ];
}

const recordOf = (spec: FunctionUrlSpec, live: { FunctionUrl?: string; FunctionArn?: string }): ResourceRecord => ({
  id: spec.functionName,
  ...(live.FunctionArn ? { arn: live.FunctionArn } : {}),
  origin: 'created',
  extra: { url: live.FunctionUrl ?? '' },
});

/**
 * AddPermission with a fixed id; a statement of that id added meanwhile counts as done. Lambda answers
 * ResourceConflictException for that and for "an update is in progress", which must not pass silently.
 */
async function addPermission(ctx: Context, functionName: string, permission: (typeof URL_PERMISSIONS)[number]): Promise<void> {
  try {
    await lambda(ctx).send(new AddPermissionCommand({ FunctionName: functionName, ...permission }));
  } catch (error) {
    if (errorName(error) !== 'ResourceConflictException' || !/already exists/i.test((error as Error).message)) throw error;
  }
}

/**
 * The function's URL: created with its public statements when absent, else compared and repaired
 * (UpdateFunctionUrlConfig for auth type and CORS, AddPermission for a missing statement). The
 * function is the stack's: provision converges it first and refuses a foreign one.
 */
export async function convergeFunctionUrl(ctx: Context, spec: FunctionUrlSpec, store: StateStore, options: EnsureOptions, current?: FunctionUrlLive | null): Promise<EnsureResult> {
  const live = current === undefined ? await readFunctionUrl(ctx, spec.functionName) : (current ?? undefined);
  const base = { kind: 'functionUrl' as const, id: spec.functionName };
  if (!live) {
    if (options.dryRun) return { ...base, status: 'planned', note: `create public function URL (AuthType ${URL_AUTH_TYPE}) for the renderer` };
    await store.record('functionUrl', recordOf(spec, {}));
    const created = await lambda(ctx).send(new CreateFunctionUrlConfigCommand({ FunctionName: spec.functionName, AuthType: URL_AUTH_TYPE, Cors: URL_CORS }));
    for (const permission of URL_PERMISSIONS) await addPermission(ctx, spec.functionName, permission);
    await store.record('functionUrl', recordOf(spec, created));
    return { ...base, ...(created.FunctionArn ? { arn: created.FunctionArn } : {}), status: 'created', note: created.FunctionUrl ?? '' };
  }
  const changes = diffFunctionUrl(live);
  const result = { ...base, ...(live.config.FunctionArn ? { arn: live.config.FunctionArn } : {}) };
  const unchanged: EnsureResult = { ...result, status: 'unchanged', note: live.config.FunctionUrl ?? '' };
  if (options.dryRun) return changes.length ? { ...result, status: 'planned', changes } : unchanged;
  const record = recordOf(spec, live.config);
  if (JSON.stringify(store.get('functionUrl')) !== JSON.stringify(record)) await store.record('functionUrl', record);
  if (changes.length === 0) return unchanged;
  if (changes.some((c) => !c.attribute.startsWith('permission.'))) {
    await lambda(ctx).send(new UpdateFunctionUrlConfigCommand({ FunctionName: spec.functionName, AuthType: isIam(live) ? 'AWS_IAM' : URL_AUTH_TYPE, Cors: URL_CORS }));
  }
  for (const permission of wantedPermissions(live)) {
    if (changes.some((c) => c.attribute === `permission.${permission.StatementId}`)) await addPermission(ctx, spec.functionName, permission);
  }
  return { ...result, status: 'updated', changes };
}

/** The URL is the stack's when its function is (a URL has no tags); no URL: absent. */
async function ownershipOf(ctx: Context, functionName: string, stack: string): Promise<{ ownership: Ownership; live?: FunctionUrlLive }> {
  if (!ctx.capabilities.hasControlPlane) return { ownership: 'absent' };
  const [fn, live] = await Promise.all([readFunction(ctx, functionName), readFunctionUrl(ctx, functionName)]);
  if (!live) return { ownership: 'absent' };
  return { ownership: ownsFunction(fn, stack), live };
}

export const functionUrlModule: ResourceModule = {
  kind: 'functionUrl',
  wave: 1,
  ownership: async (ctx, record, stack) => (await ownershipOf(ctx, record.id, stack.stack)).ownership,
  async discover(ctx, stack) {
    const { ownership, live } = await ownershipOf(ctx, stack.names.function, stack.stack);
    if (!live) return undefined;
    return { ...recordOf({ stack: stack.stack, functionName: stack.names.function }, live.config), origin: ownership === 'owned' ? 'created' : 'adopted' };
  },
  async inspect(ctx, record, stack) {
    const { ownership, live } = await ownershipOf(ctx, record.id, stack.stack);
    if (!live) return { exists: false, ownership: 'absent', drift: [] };
    return { exists: true, ownership, drift: diffFunctionUrl(live) };
  },
  // Deleting the function deletes its URL and policy too; done explicitly so that a kept function loses them.
  async remove(ctx, record) {
    await ignoreNotFound(() => lambda(ctx).send(new DeleteFunctionUrlConfigCommand({ FunctionName: record.id })));
    for (const { StatementId } of URL_PERMISSIONS) {
      await ignoreNotFound(() => lambda(ctx).send(new RemovePermissionCommand({ FunctionName: record.id, StatementId })));
    }
    return undefined;
  },
};
