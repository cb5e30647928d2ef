import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { feedAttributes, type ImageItem } from './contract.js';

export type { ImageItem, RenditionRecord } from './contract.js';

export async function readItem(ddb: DynamoDBDocumentClient, table: string, imageKey: string): Promise<ImageItem | undefined> {
  const { Item } = await ddb.send(new GetCommand({ TableName: table, Key: { imageKey }, ConsistentRead: true }));
  return Item as ImageItem | undefined;
}

export function isDone(item: ImageItem | undefined, etag: string | undefined): boolean {
  return etag !== undefined && item?.status === 'done' && item.etag === etag;
}

/**
 * Writes the item unless this etag is already recorded `done`: of two concurrent deliveries of one
 * upload only the first write wins. Returns false when the condition refused the write.
 */
export async function writeItem(ddb: DynamoDBDocumentClient, table: string, item: ImageItem): Promise<boolean> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: table,
        // The index attributes ride along so the item appears in the time-ordered index at once.
        Item: { ...item, ...feedAttributes(item) },
        ConditionExpression: 'attribute_not_exists(imageKey) OR etag <> :etag OR #status <> :done',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':etag': item.etag, ':done': 'done' },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
