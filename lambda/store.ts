import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { feedAttributes, type ImageItem } from './contract.js';

export type { ImageItem, RenditionRecord } from './contract.js';

export async function readItem(ddb: DynamoDBDocumentClient, table: string, imageKey: string): Promise<ImageItem | undefined> {
  const { Item } = await ddb.send(new GetCommand({ TableName: table, Key: { imageKey }, ConsistentRead: true }));
  return Item as ImageItem | undefined;
}

/** Done with this version; and, when the sender asked for render settings, rendered with those. */
export function isDone(item: ImageItem | undefined, etag: string | undefined, settings?: string): boolean {
  return etag !== undefined && item?.status === 'done' && item.etag === etag && (settings === undefined || item.settings === settings);
}

/**
 * Writes the item unless this etag is already recorded `done` with the same render settings: of two
 * concurrent deliveries of one upload only the first write wins. `overwrite` (a forced re-render)
 * writes regardless. Returns false when the condition refused the write.
 */
export async function writeItem(ddb: DynamoDBDocumentClient, table: string, item: ImageItem, options: { overwrite?: boolean } = {}): Promise<boolean> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: table,
        // The index attributes ride along so the item appears in the time-ordered index at once.
        Item: { ...item, ...feedAttributes(item) },
        ...(options.overwrite ? {} : itemCondition(item)),
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** The condition of every image write: refused when this etag is already done with these settings. */
export function itemCondition(item: ImageItem) {
  const settings = item.settings === undefined
    ? {}
    : { condition: ' OR attribute_not_exists(#settings) OR #settings <> :settings', names: { '#settings': 'settings' }, values: { ':settings': item.settings } };
  return {
    ConditionExpression: `attribute_not_exists(imageKey) OR etag <> :etag OR #status <> :done${settings.condition ?? ''}`,
    ExpressionAttributeNames: { '#status': 'status', ...settings.names },
    ExpressionAttributeValues: { ':etag': item.etag, ':done': 'done', ...settings.values },
  };
}
