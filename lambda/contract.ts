/**
 * The shapes the CLI and the function share: the SQS message `thumbs upload` sends and the
 * DynamoDB item the function writes. Both sides import them from here, so they cannot drift.
 * This module imports nothing, so the CLI can load it without the function's dependencies.
 */

/** The version field of every thumbs message; the function refuses any other. */
export const MESSAGE_VERSION = 1;

/** The message the function consumes: exactly these fields, ETag without quotes. */
export interface ImageMessage {
  v: typeof MESSAGE_VERSION;
  bucket: string;
  key: string;
  etag: string;
  size: number;
  contentType: string;
  /** The render settings asked for (settingsHash): an item done with other settings is rendered again. */
  settings?: string;
  /** Render again even when the item is done with these settings (`thumbs reprocess --all`). */
  force?: boolean;
}

/**
 * The SQS message attribute naming the `thumbs upload` run that sent a message (a String). It is
 * not part of the body, so messages from any release compare equal; the function logs it, so a
 * duplicate delivery after an interrupted upload can be traced to the runs that sent it.
 */
export const RUN_ATTRIBUTE = 'thumbsRun';

/** The body of one message, fields in a fixed order (tests and journals compare bodies). */
export function messageBody(message: ImageMessage): string {
  const { v, bucket, key, etag, size, contentType, settings, force } = message;
  return JSON.stringify({ v, bucket, key, etag, size, contentType, ...(settings ? { settings } : {}), ...(force ? { force } : {}) });
}

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

export type ItemStatus = 'done' | 'failed';

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
  /** ThumbHash of the smallest rendition, base64 (about 25 bytes): a placeholder painted while images load. */
  thumbhash?: string;
  status: ItemStatus;
  error?: string;
  attempts: number;
  processedAt: string;
  durationMs: number;
  /** settingsHash of the renditions and quality this item was rendered with; absent on items of earlier releases. */
  settings?: string;
}

/** The table's partition key. */
export const ITEM_KEY = 'imageKey';

/** An item as read back from the table: written by any release, so every field but the key may be missing. */
export type StoredRendition = Partial<RenditionRecord>;
export type StoredItem = Partial<Omit<ImageItem, 'renditions' | 'status'>> & {
  imageKey: string;
  status?: string;
  renditions?: StoredRendition[];
  [attribute: string]: unknown;
};
