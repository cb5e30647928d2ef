import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand, type Role } from '@aws-sdk/client-iam';
import { isAccessDenied, isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError, usageError } from '../errors.js';
import { lambdaTrustPolicy, samePolicy, type PolicyDocument } from '../resources/policies.js';
import { carriesStackTag, stackTagList, tagListToMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import type { EnsureOptions, EnsureResult } from './types.js';
import { controlPlane } from '../aws/control-plane.js';

/** The role AWS Academy lab accounts provide, since they forbid CreateRole. */
export const LAB_ROLE = 'LabRole';
export const FUNCTION_POLICY_NAME = 'thumbs-function';

export interface RoleSpec {
  stack: string;
  /** thumbs-<stack>-fn */
  name: string;
  /** The inline policy: exact ARNs of the stack's buckets, table, queue and log group. */
  policy: PolicyDocument;
  /** --role-arn: use this role as it is; never changed or deleted. */
  adoptArn?: string;
}

const roleNameOf = (arn: string) => arn.split('/').pop() ?? arn;

async function getRole(ctx: Context, name: string): Promise<Role | undefined> {
  try {
    return (await controlPlane(ctx).iam.send(new GetRoleCommand({ RoleName: name }))).Role;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function getInlinePolicy(ctx: Context, role: string): Promise<string | undefined> {
  try {
    return (await controlPlane(ctx).iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: FUNCTION_POLICY_NAME }))).PolicyDocument;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function adopt(store: StateStore, arn: string, note?: string): Promise<EnsureResult> {
  const id = roleNameOf(arn);
  await store.record('role', { id, arn, origin: 'adopted' });
  return { kind: 'role', id, arn, status: 'adopted', ...(note ? { note } : {}) };
}

/** Lab accounts deny CreateRole but provide LabRole; anywhere else the user must name a role. */
async function adoptLabRole(ctx: Context, spec: RoleSpec, store: StateStore, denial: unknown): Promise<EnsureResult> {
  const lab = await getRole(ctx, LAB_ROLE).catch(() => undefined);
  if (!lab?.Arn) {
    throw new ThumbsError('role-denied', `AWS refused to create role ${spec.name} and there is no ${LAB_ROLE} to use instead`, {
      hint: 'Ask for iam:CreateRole and iam:PutRolePolicy, or pass --role-arn with a role Lambda can assume (see README "IAM").',
      cause: denial,
    });
  }
  ctx.reporter.warn(`CreateRole is denied for this identity (a lab account?): using the existing ${LAB_ROLE}, which thumbs will never change or delete`);
  return adopt(store, lab.Arn, `CreateRole denied: adopted ${LAB_ROLE}`);
}

async function createRole(ctx: Context, spec: RoleSpec, store: StateStore): Promise<EnsureResult> {
  let role: Role | undefined;
  try {
    ({ Role: role } = await controlPlane(ctx).iam.send(
      new CreateRoleCommand({
        RoleName: spec.name,
        AssumeRolePolicyDocument: JSON.stringify(lambdaTrustPolicy()),
        Description: `thumbs stack ${spec.stack}: the thumbnail function's execution role`,
        Tags: stackTagList(spec.stack),
      }),
    ));
  } catch (error) {
    if (isAccessDenied(error)) return adoptLabRole(ctx, spec, store, error);
    throw error;
  }
  const arn = role?.Arn ?? '';
  // Recorded before the policy is attached, so an interrupted provision still deletes the role.
  await store.record('role', { id: spec.name, arn, origin: 'created' });
  await putPolicy(ctx, spec);
  return { kind: 'role', id: spec.name, arn, status: 'created' };
}

const putPolicy = (ctx: Context, spec: RoleSpec) =>
  controlPlane(ctx).iam.send(new PutRolePolicyCommand({ RoleName: spec.name, PolicyName: FUNCTION_POLICY_NAME, PolicyDocument: JSON.stringify(spec.policy) }));

/** --role-arn would replace the record of a role this stack created, which then nothing would delete. */
function refuseAdoptConflict(spec: RoleSpec, store: StateStore, adoptArn: string): void {
  const recorded = store.get('role');
  const id = roleNameOf(adoptArn);
  if (recorded?.origin !== 'created' || recorded.id === id) return;
  throw usageError(
    'adopt-conflict',
    `stack ${spec.stack} already created role ${recorded.id}; adopting ${id} would orphan it`,
    'Run `thumbs teardown` first, or use another --stack.',
  );
}

/**
 * The function's execution role: created with an inline policy scoped to the stack's ARNs, or
 * adopted (--role-arn, LabRole, or a same-named role without our tag) and then never touched.
 */
export async function ensureRole(ctx: Context, spec: RoleSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult> {
  // --role-arn naming the role this stack created keeps it ours (and deletable), as if it were not given.
  const mine = store.get('role');
  const createdHere = spec.adoptArn !== undefined && mine?.origin === 'created' && mine.id === roleNameOf(spec.adoptArn);
  if (spec.adoptArn && !createdHere) {
    refuseAdoptConflict(spec, store, spec.adoptArn);
    return options.dryRun ? { kind: 'role', id: roleNameOf(spec.adoptArn), arn: spec.adoptArn, status: 'adopted' } : adopt(store, spec.adoptArn);
  }
  const recorded = store.get('role');
  if (recorded?.origin === 'adopted' && recorded.arn) return { kind: 'role', id: recorded.id, arn: recorded.arn, status: 'adopted' };
  // Both reads address the role by name, so they go together: one round trip.
  const [role, policy] = await Promise.all([getRole(ctx, spec.name), getInlinePolicy(ctx, spec.name).catch(() => undefined)]).catch(
    (error: unknown) => {
      if (isAccessDenied(error)) return ['denied', undefined] as const;
      throw error;
    },
  );
  if (role === 'denied') return options.dryRun ? { kind: 'role', id: LAB_ROLE, status: 'planned', note: 'IAM reads denied: would try LabRole' } : adoptLabRole(ctx, spec, store, undefined);
  if (!role) {
    if (options.dryRun) return { kind: 'role', id: spec.name, status: 'planned', note: 'create role with an inline policy for the stack' };
    return createRole(ctx, spec, store);
  }
  const arn = role.Arn ?? '';
  const ours = recorded?.origin === 'created' || carriesStackTag(tagListToMap(role.Tags), spec.stack);
  if (!ours) return options.dryRun ? { kind: 'role', id: spec.name, arn, status: 'adopted' } : adopt(store, arn, 'existed without the thumbs:stack tag');
  if (!options.dryRun && !recorded) await store.record('role', { id: spec.name, arn, origin: 'created' });
  if (samePolicy(policy, spec.policy)) return { kind: 'role', id: spec.name, arn, status: 'unchanged' };
  if (options.dryRun) return { kind: 'role', id: spec.name, arn, status: 'planned', note: 'update inline policy' };
  await putPolicy(ctx, spec);
  return { kind: 'role', id: spec.name, arn, status: 'updated', note: 'inline policy updated' };
}
