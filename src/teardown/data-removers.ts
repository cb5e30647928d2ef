import { DeleteBucketCommand, GetBucketTaggingCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { DeleteTableCommand, waitUntilTableNotExists } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { ignoreNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { emptyBucket } from '../ensure/empty-bucket.js';
import { queueCarriesTag, queueUrl } from '../ensure/queues.js';
import { describeTable, tableCarriesTag } from '../ensure/table.js';
import { bucketArnOf } from '../resources/arns.js';
import { carriesStackTag, tagListToMap } from '../resources/tags.js';
import type { ResourceRecord } from '../state/state-file.js';
import { ownershipOf, type ResourceRemover } from './remover.js';


async function bucketTagged(ctx: Context, bucket: string, stack: string): Promise<boolean> {
  if (!ctx.capabilities.readsResourceTags) {
    await ctx.clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  }
  try {
    const { TagSet } = await ctx.clients.s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    return carriesStackTag(tagListToMap(TagSet), stack);
  } catch (error) {
    if (String((error as Error).name).startsWith('NoSuchTagSet')) return false;
    throw error;
  }
}

/**
 * ensureBucket records a bucket (configured: 'false') before creating it and tags it only after, so
 * such a record is trusted on existence alone: a crash in between leaves an untagged bucket that is ours.
 */
async function bucketOwned(ctx: Context, record: ResourceRecord, stack: string): Promise<boolean> {
  if (record.extra?.configured !== 'false') return bucketTagged(ctx, record.id, stack);
  await ctx.clients.s3.send(new HeadBucketCommand({ Bucket: record.id }));
  return true;
}

export function bucketRemover(kind: 'originalsBucket' | 'thumbnailsBucket' | 'siteBucket', wave: number): ResourceRemover {
  return {
    kind,
    wave,
    async discover(ctx, stack) {
      const name = stack.names[kind];
      const ownership = await ownershipOf(() => bucketTagged(ctx, name, stack.stack));
      if (ownership === 'absent') return undefined;
      return { id: name, arn: bucketArnOf(stack.region, name), origin: ownership === 'owned' ? 'created' : 'adopted' };
    },
    ownership: (ctx, record, stack) => ownershipOf(() => bucketOwned(ctx, record, stack.stack)),
    async remove(ctx, record) {
      const emptied = await emptyBucket(ctx, record.id);
      await ignoreNotFound(() => ctx.clients.s3.send(new DeleteBucketCommand({ Bucket: record.id })));
      return emptied > 0 ? `emptied ${emptied} objects` : undefined;
    },
  };
}

export const tableRemover: ResourceRemover = {
  kind: 'table',
  wave: 3,
  async discover(ctx, stack) {
    const table = await describeTable(ctx, stack.names.table);
    if (!table) return undefined;
    const owned = await tableCarriesTag(ctx, table.TableArn, stack.stack);
    return { id: stack.names.table, arn: table.TableArn ?? '', origin: owned ? 'created' : 'adopted' };
  },
  ownership: (ctx, record, stack) =>
    ownershipOf(async () => {
      const table = await describeTable(ctx, record.id);
      if (!table) throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
      return tableCarriesTag(ctx, table.TableArn, stack.stack);
    }),
  async remove(ctx, record) {
    await ignoreNotFound(async () => {
      await ctx.clients.dynamodb.send(new DeleteTableCommand({ TableName: record.id }));
      await waitUntilTableNotExists({ client: ctx.clients.dynamodb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: record.id });
    });
    return undefined;
  },
};

function queueName(record: ResourceRecord): string {
  return record.extra?.name ?? record.id.split('/').pop() ?? record.id;
}

export function queueRemover(kind: 'queue' | 'deadLetterQueue', wave: number): ResourceRemover {
  return {
    kind,
    wave,
    async discover(ctx, stack) {
      const name = kind === 'queue' ? stack.names.queue : stack.names.deadLetterQueue;
      const url = await queueUrl(ctx, name);
      if (!url) return undefined;
      const owned = await queueCarriesTag(ctx, url, stack.stack);
      return { id: url, origin: owned ? 'created' : 'adopted', extra: { name } };
    },
    // Queue URLs of the embedded backend change with its port, so look the URL up by name again.
    ownership: (ctx, record, stack) =>
      ownershipOf(async () => {
        const url = await queueUrl(ctx, queueName(record));
        if (!url) throw Object.assign(new Error('gone'), { name: 'QueueDoesNotExist' });
        return queueCarriesTag(ctx, url, stack.stack);
      }),
    async remove(ctx, record) {
      const url = await queueUrl(ctx, queueName(record));
      if (url) await ignoreNotFound(() => ctx.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
      return undefined;
    },
  };
}
