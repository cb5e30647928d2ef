import { DeleteLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DeleteEventSourceMappingCommand, DeleteFunctionCommand, GetEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { ignoreNotFound, isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { notificationId, readNotifications, removeBucketNotification } from '../ensure/bucket-notification.js';
import { findMapping } from '../ensure/event-source-mapping.js';
import { readFunction } from '../ensure/function.js';
import { logGroupArnOf, queueArnOf } from '../resources/arns.js';
import { carriesStackTag, tagListToMap } from '../resources/tags.js';
import type { OpenStack } from '../state/open-stack.js';
import type { ResourceRecord } from '../state/state-file.js';
import { ownershipOf, type Ownership, type ResourceRemover } from './remover.js';
import { controlPlane } from '../aws/control-plane.js';

/** NotFound means already gone; the embedded backend has no Lambda, IAM or Logs to ask. */
async function unlessGone(ctx: Context, read: () => Promise<boolean | undefined>): Promise<Ownership> {
  if (!ctx.capabilities.hasControlPlane) return 'absent';
  return ownershipOf(read);
}


const recordFor = (id: string, owned: boolean, extra?: Record<string, string>): ResourceRecord => ({ id, origin: owned ? 'created' : 'adopted', ...(extra ? { extra } : {}) });

export const mappingRemover: ResourceRemover = {
  kind: 'eventSourceMapping',
  wave: 1,
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    const found = await findMapping(ctx, stack.names.function, queueArnOf(stack.region, stack.account, stack.names.queue));
    return found?.UUID ? recordFor(found.UUID, true) : undefined;
  },
  // A mapping of our function to our queue is ours; it carries no tag we could rely on everywhere.
  ownership: (ctx, record) => unlessGone(ctx, async () => Boolean(await controlPlane(ctx).lambda.send(new GetEventSourceMappingCommand({ UUID: record.id })))),
  async remove(ctx, record) {
    await ignoreNotFound(() => controlPlane(ctx).lambda.send(new DeleteEventSourceMappingCommand({ UUID: record.id })));
    return undefined;
  },
};

const bucketOf = (record: ResourceRecord, fallback: string) => record.extra?.bucket ?? fallback;

export const notificationRemover: ResourceRemover = {
  kind: 'bucketNotification',
  wave: 1,
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    const id = notificationId(stack.stack);
    const bucket = stack.names.originalsBucket;
    const current = await readNotifications(ctx, bucket).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    return current?.QueueConfigurations?.some((q) => q.Id === id) ? recordFor(id, true, { bucket }) : undefined;
  },
  // The entry is ours by its Id even in an adopted bucket; only that entry is ever removed.
  ownership: (ctx, record, stack) =>
    unlessGone(ctx, async () => {
      const current = await readNotifications(ctx, bucketOf(record, stack.names.originalsBucket));
      return current.QueueConfigurations?.some((q) => q.Id === record.id) ? true : undefined;
    }),
  async remove(ctx, record, stack) {
    await ignoreNotFound(() => removeBucketNotification(ctx, bucketOf(record, stack.names.originalsBucket), record.id));
    return 'removed only the thumbs entry; other notifications kept';
  },
};

export const functionRemover: ResourceRemover = {
  kind: 'function',
  wave: 2,
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    const found = await readFunction(ctx, stack.names.function);
    return found ? recordFor(stack.names.function, carriesStackTag(found.Tags, stack.stack)) : undefined;
  },
  ownership: (ctx, record, stack) =>
    unlessGone(ctx, async () => {
      const found = await readFunction(ctx, record.id);
      return found ? carriesStackTag(found.Tags, stack.stack) : undefined;
    }),
  async remove(ctx, record) {
    await ignoreNotFound(() => controlPlane(ctx).lambda.send(new DeleteFunctionCommand({ FunctionName: record.id })));
    return undefined;
  },
};

async function logGroupExists(ctx: Context, name: string): Promise<boolean> {
  const { logGroups = [] } = await controlPlane(ctx).logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 1 }));
  return logGroups.some((group) => group.logGroupName === name);
}

async function logGroupTagged(ctx: Context, stack: OpenStack, name: string): Promise<boolean> {
  const { tags } = await controlPlane(ctx).logs.send(new ListTagsForResourceCommand({ resourceArn: logGroupArnOf(stack.region, stack.account, name) }));
  return carriesStackTag(tags, stack.stack);
}

export const logGroupRemover: ResourceRemover = {
  kind: 'logGroup',
  wave: 3,
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane || !(await logGroupExists(ctx, stack.names.logGroup))) return undefined;
    return recordFor(stack.names.logGroup, await logGroupTagged(ctx, stack, stack.names.logGroup));
  },
  // A group of the same name may predate the stack (an older function's logs): only our tag proves it is ours.
  ownership: (ctx, record, stack) =>
    unlessGone(ctx, async () => ((await logGroupExists(ctx, record.id)) ? logGroupTagged(ctx, stack, record.id) : undefined)),
  async remove(ctx, record) {
    await ignoreNotFound(() => controlPlane(ctx).logs.send(new DeleteLogGroupCommand({ logGroupName: record.id })));
    return undefined;
  },
};

export const roleRemover: ResourceRemover = {
  kind: 'role',
  wave: 3,
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    const role = await controlPlane(ctx).iam.send(new GetRoleCommand({ RoleName: stack.names.role })).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    return role?.Role ? { ...recordFor(stack.names.role, carriesStackTag(tagListToMap(role.Role.Tags), stack.stack)), arn: role.Role.Arn } : undefined;
  },
  ownership: (ctx, record, stack) =>
    unlessGone(ctx, async () => {
      const { Role } = await controlPlane(ctx).iam.send(new GetRoleCommand({ RoleName: record.id }));
      return carriesStackTag(tagListToMap(Role?.Tags), stack.stack);
    }),
  // IAM refuses to delete a role that still has policies: inline ones are deleted, managed ones detached.
  async remove(ctx, record) {
    const RoleName = record.id;
    await ignoreNotFound(async () => {
      const [{ PolicyNames = [] }, { AttachedPolicies = [] }] = await Promise.all([
        controlPlane(ctx).iam.send(new ListRolePoliciesCommand({ RoleName })),
        controlPlane(ctx).iam.send(new ListAttachedRolePoliciesCommand({ RoleName })),
      ]);
      await Promise.all([
        ...PolicyNames.map((PolicyName) => controlPlane(ctx).iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }))),
        ...AttachedPolicies.map(({ PolicyArn }) => controlPlane(ctx).iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }))),
      ]);
      await controlPlane(ctx).iam.send(new DeleteRoleCommand({ RoleName }));
    });
    return undefined;
  },
};

export const FUNCTION_REMOVERS: ResourceRemover[] = [mappingRemover, notificationRemover, functionRemover, logGroupRemover, roleRemover];
