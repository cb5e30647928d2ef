import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RenditionRecord {
  /** Box size as a string, e.g. "128". */
  name: string;
  /** Key in the thumbnails bucket. */
  key: string;
  width: number;
  height: number;
  bytes: number;
  format: string;
}

/** One item per original, partition key `imageKey` (the original's S3 key). */
export interface ImageItem {
  imageKey: string;
  sourceBucket: string;
  /** Without quotes. */
  etag: string;
  bytes: number;
  contentType: string;
  /** Upright dimensions and detected format; absent on a failed item when the image could not be read. */
  width?: number;
  height?: number;
  format?: string;
  renditions: RenditionRecord[];
  status: 'done' | 'failed';
  error?: string;
  attempts: number;
  processedAt: string;
  durationMs: number;
}

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
        Item: item,
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
