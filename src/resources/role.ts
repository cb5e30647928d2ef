import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { ignoreNotFound, isAccessDenied, unlessNotFound } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import { ThumbsError, usageError } from '../errors.js';
import type { ResourceRecord } from '../state/state-file.js';
import type { StateStore } from '../state/state-store.js';
import { bucketArnOf, logGroupArnOf, queueArnOf, roleArnOf, tableArnOf } from './arns.js';
import type { OpenStack } from '../state/open-stack.js';
import { functionPolicy, lambdaTrustPolicy, samePolicy, type PolicyDocument } from './policies.js';
import { differs, discovered, notOurs, resultOf, tagDrift, type Difference, type EnsureOptions, type EnsureResult, type Ownership, type ResourceModule } from './resource.js';
import { stackTagList, stackTagMap, tagListToMap } from './tags.js';

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

export interface RoleLive {
  arn: string;
  trust: string | undefined;
  /** The thumbs-function inline policy document (URL-encoded, as IAM returns it). */
  policy: string | undefined;
  tags: Record<string, string>;
}

const roleNameOf = (arn: string) => arn.split('/').pop() ?? arn;

async function getRole(ctx: Context, name: string): Promise<Role | undefined> {
  return (await unlessNotFound(controlPlane(ctx).iam.send(new GetRoleCommand({ RoleName: name }))))?.Role;
}

async function getInlinePolicy(ctx: Context, role: string): Promise<string | undefined> {
  return (await unlessNotFound(controlPlane(ctx).iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: FUNCTION_POLICY_NAME }))))?.PolicyDocument;
}

/** Both reads address the role by name, so they go together: one round trip. */
export async function readRole(ctx: Context, name: string): Promise<RoleLive | undefined> {
  const [role, policy] = await Promise.all([getRole(ctx, name), getInlinePolicy(ctx, name)]);
  if (!role) return undefined;
  return { arn: role.Arn ?? '', trust: role.AssumeRolePolicyDocument, policy, tags: tagListToMap(role.Tags) };
}

/** The one ownership rule for roles: the tag, which CreateRole sets atomically. */
export function ownsRole(live: RoleLive | undefined, stack: string): Ownership {
  if (!live) return 'absent';
  return live.tags['thumbs:stack'] === stack ? 'owned' : 'foreign';
}

export function diffRole(spec: Pick<RoleSpec, 'stack' | 'policy'>, live: RoleLive): Difference[] {
  return [
    ...differs('trustPolicy', samePolicy(live.trust, lambdaTrustPolicy()) ? 'lambda' : 'other', 'lambda'),
    ...differs('inlinePolicy', samePolicy(live.policy, spec.policy) ? 'stack ARNs' : live.policy ? 'other' : 'none', 'stack ARNs'),
    ...tagDrift(live.tags, stackTagMap(spec.stack)),
  ];
}

async function repair(ctx: Context, spec: RoleSpec, changes: Difference[]): Promise<void> {
  const iam = controlPlane(ctx).iam;
  const changed = new Set(changes.map((c) => c.attribute));
  await Promise.all([
    changed.has('trustPolicy') && iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: spec.name, PolicyDocument: JSON.stringify(lambdaTrustPolicy()) })),
    changed.has('inlinePolicy') && iam.send(new PutRolePolicyCommand({ RoleName: spec.name, PolicyName: FUNCTION_POLICY_NAME, PolicyDocument: JSON.stringify(spec.policy) })),
    changed.has('tags') && iam.send(new TagRoleCommand({ RoleName: spec.name, Tags: stackTagList(spec.stack) })),
  ]);
}

async function adopt(store: StateStore, arn: string, options: EnsureOptions, note?: string): Promise<EnsureResult> {
  const id = roleNameOf(arn);
  if (!options.dryRun) await store.record('role', { id, arn, origin: 'adopted' });
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
  return adopt(store, lab.Arn, { dryRun: false }, `CreateRole denied: adopted ${LAB_ROLE}`);
}

/** Recorded as intended before CreateRole, so an interrupted provision still deletes the role. */
async function createRole(ctx: Context, spec: RoleSpec, store: StateStore): Promise<EnsureResult> {
  const arn = roleArnOf(ctx.clients.region, store.current.account, spec.name);
  await store.record('role', { id: spec.name, arn, origin: 'created' });
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
    await store.forget('role');
    if (isAccessDenied(error)) return adoptLabRole(ctx, spec, store, error);
    throw error;
  }
  await controlPlane(ctx).iam.send(new PutRolePolicyCommand({ RoleName: spec.name, PolicyName: FUNCTION_POLICY_NAME, PolicyDocument: JSON.stringify(spec.policy) }));
  return { kind: 'role', id: spec.name, arn: role?.Arn ?? arn, status: 'created' };
}

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
 * The function's execution role: created with an inline policy scoped to the stack's ARNs and its
 * trust, policy and tags repaired when they drift; or adopted (--role-arn, LabRole) and never touched.
 * A same-named role without the stack's tag is refused.
 */
export async function convergeRole(ctx: Context, spec: RoleSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult> {
  const mine = store.get('role');
  // --role-arn naming the role this stack created keeps it ours (and deletable), as if it were not given.
  const createdHere = spec.adoptArn !== undefined && mine?.origin === 'created' && mine.id === roleNameOf(spec.adoptArn);
  if (spec.adoptArn && !createdHere) {
    refuseAdoptConflict(spec, store, spec.adoptArn);
    return adopt(store, spec.adoptArn, options);
  }
  if (mine?.origin === 'adopted' && mine.arn) return { kind: 'role', id: mine.id, arn: mine.arn, status: 'adopted' };
  let live: RoleLive | undefined;
  try {
    live = await readRole(ctx, spec.name);
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    return options.dryRun ? { kind: 'role', id: LAB_ROLE, status: 'planned', note: 'IAM reads denied: would try LabRole' } : adoptLabRole(ctx, spec, store, error);
  }
  if (!live) {
    if (options.dryRun) return { kind: 'role', id: spec.name, status: 'planned', note: 'create role with an inline policy for the stack' };
    return createRole(ctx, spec, store);
  }
  if (ownsRole(live, spec.stack) === 'foreign') throw notOurs('role', spec.name, spec.stack, 'Adopt it explicitly with --role-arn ARN');
  const base = { kind: 'role' as const, id: spec.name, arn: live.arn };
  const changes = diffRole(spec, live);
  if (!options.dryRun) {
    if (mine?.id !== spec.name || mine.arn !== live.arn) await store.record('role', { ...base, origin: 'created' });
    await repair(ctx, spec, changes);
  }
  return resultOf(base, changes, options.dryRun);
}

/** The inline policy for the stack's buckets as recorded (adopted ones included), table, queue and log group. */
/** `topicArn`: the stack's email topic; undefined: the recorded one; null: none (no email target). */
export function policyForStack(stack: OpenStack, buckets?: { originals: string; thumbnails: string }, topicArn?: string | null): PolicyDocument {
  const { names, region, account, store } = stack;
  const topic = topicArn === undefined ? store.get('notifyTopic')?.arn : topicArn ?? undefined;
  return functionPolicy({
    ...(topic ? { topicArn: topic } : {}),
    originalsBucketArn: bucketArnOf(region, buckets?.originals ?? store.get('originalsBucket')?.id ?? names.originalsBucket),
    thumbnailsBucketArn: bucketArnOf(region, buckets?.thumbnails ?? store.get('thumbnailsBucket')?.id ?? names.thumbnailsBucket),
    tableArn: tableArnOf(region, account, names.table),
    queueArn: queueArnOf(region, account, names.queue),
    logGroupArn: logGroupArnOf(region, account, names.logGroup),
  });
}

const roleOwnership = async (ctx: Context, name: string, stack: string) => (ctx.capabilities.hasControlPlane ? ownsRole(await readRole(ctx, name), stack) : 'absent');

export const roleModule: ResourceModule = {
  kind: 'role',
  wave: 3,
  ownership: (ctx, record, stack) => roleOwnership(ctx, record.id, stack.stack),
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    const live = await readRole(ctx, stack.names.role);
    return discovered(ownsRole(live, stack.stack), { id: stack.names.role, ...(live ? { arn: live.arn } : {}) });
  },
  async inspect(ctx, record: ResourceRecord, stack) {
    const live = await readRole(ctx, record.id);
    if (!live) return { exists: false, ownership: 'absent', drift: [] };
    // An adopted role has no inline policy of thumbs to compare; only its trust matters to Lambda.
    if (record.origin === 'adopted') return { exists: true, ownership: 'owned', drift: differs('trustPolicy', samePolicy(live.trust, lambdaTrustPolicy()) ? 'lambda' : 'other', 'lambda') };
    return { exists: true, ownership: ownsRole(live, stack.stack), drift: diffRole({ stack: stack.stack, policy: policyForStack(stack) }, live) };
  },
  // IAM refuses to delete a role that still has policies: inline ones are deleted, managed ones detached.
  async remove(ctx, record) {
    const RoleName = record.id;
    const iam = controlPlane(ctx).iam;
    await ignoreNotFound(async () => {
      const [{ PolicyNames = [] }, { AttachedPolicies = [] }] = await Promise.all([
        iam.send(new ListRolePoliciesCommand({ RoleName })),
        iam.send(new ListAttachedRolePoliciesCommand({ RoleName })),
      ]);
      await Promise.all([
        ...PolicyNames.map((PolicyName) => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }))),
        ...AttachedPolicies.map(({ PolicyArn }) => iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }))),
      ]);
      await iam.send(new DeleteRoleCommand({ RoleName }));
    });
    return undefined;
  },
};
