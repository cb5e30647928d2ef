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

/**
 * The original's S3 user metadata naming its batch (`x-amz-meta-thumbs-batch`; the SDK gives it as
 * Metadata['thumbs-batch']). A browser upload's POST policy pins it, so an S3 event notification,
 * which carries no body of ours, still leads the function to the batch: it is read from the GetObject
 * the function makes anyway. A message's RUN_ATTRIBUTE, when there is one, wins.
 */
export const BATCH_METADATA = 'thumbs-batch';

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

/**
 * The time-ordered global secondary index: partition key `feed` = `<status>#<shard>`, sort key
 * `feedAt` = `<processedAt>#<imageKey>`, so one Query reads a status's newest items in order.
 * A GSI partition key value takes about 1,000 writes a second; hashing each key to one of
 * FEED_SHARDS shards spreads the writes, and readers merge the shards by feedAt.
 */
export const TIME_INDEX = 'byTime';
export const FEED_KEY = 'feed';
export const FEED_SORT_KEY = 'feedAt';
export const FEED_SHARDS = 4;
/** The statuses the index is partitioned by; "all" reads every one of them. */
export const FEED_STATUSES: readonly ItemStatus[] = ['done', 'failed'];

/** FNV-1a: a stable shard per key, without importing node:crypto into the contract. */
export function feedShard(imageKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < imageKey.length; i += 1) {
    hash ^= imageKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % FEED_SHARDS;
}

export const feedPartition = (status: string, shard: number) => `${status}#${shard}`;

/** processedAt is fixed-length ISO 8601, so string order of feedAt is time order, then key order. */
export const feedSortValue = (processedAt: string, imageKey: string) => `${processedAt}#${imageKey}`;

/** The index attributes of an item; every writer of items adds them. */
export function feedAttributes(item: { imageKey: string; status?: string; processedAt?: string }): { feed: string; feedAt: string } {
  return {
    feed: feedPartition(item.status ?? 'unknown', feedShard(item.imageKey)),
    feedAt: feedSortValue(item.processedAt ?? '', item.imageKey),
  };
}

/**
 * Keys of the table's reserved items: the stack's record, its lease, and whatever else thumbs keeps
 * with the stack (batches). They are not images: every reader of items skips them (isReservedKey or
 * NOT_RESERVED in a Scan's FilterExpression), they never get an image's index attributes (batches sit
 * in partitions of their own: BATCHES_FEED, batchFeed), and the function
 * refuses an object whose key starts with this prefix, so an upload can never overwrite them.
 */
export const RESERVED_KEY_PREFIX = '#thumbs/';

export const isReservedKey = (key: string): boolean => key.startsWith(RESERVED_KEY_PREFIX);

/** The stack's record (src/state/stack-record.ts): the function reads one of its secrets, the renderer's URL key. */
export const STACK_RECORD_KEY = `${RESERVED_KEY_PREFIX}record`;
/** The record's attribute holding the secret called `name`; the record's own writes never touch it. */
export const secretAttribute = (name: string) => `secret_${name}`;
/** The on-request renderer's URL signing key, by its name among the stack's secrets. */
export const RENDER_SECRET_NAME = 'render';

/** A FilterExpression clause (with its names and values) that leaves the reserved items out of a Scan. */
export const NOT_RESERVED = {
  expression: 'NOT begins_with(#reservedKey, :reservedPrefix)',
  names: { '#reservedKey': ITEM_KEY },
  values: { ':reservedPrefix': RESERVED_KEY_PREFIX },
} as const;

/** A batch: the images one run announced (`upload`, `reprocess`, the gallery's browser uploads). */
export const batchKey = (batch: string) => `${RESERVED_KEY_PREFIX}batch/${batch}`;
/** One image counted toward a batch: its existence is what makes a second count impossible. */
export const batchEntryKey = (batch: string, imageKey: string) => `${batchKey(batch)}/image/${imageKey}`;
/** Every batch record sits in this partition of the time index, sorted by startedAt: `thumbs batches` reads the newest. */
export const BATCHES_FEED = `${RESERVED_KEY_PREFIX}batches`;
/** The batch's entries share one partition of the time index, read back in key order for the report. */
export const batchFeed = (batch: string) => batchKey(batch);

export type BatchSource = 'upload' | 'reprocess' | 'gallery';
export type BatchEntryStatus = 'done' | 'failed' | 'deadLettered';

/** The batch record (reserved item `#thumbs/batch/<id>`). */
export interface BatchRecord {
  imageKey: string;
  batch: string;
  stack: string;
  source: BatchSource;
  startedAt: string;
  /** BATCHES_FEED and `<startedAt>#<batch>`: the record's place in the time index. */
  feed: string;
  feedAt: string;
  /** Set when the run has announced every image (sealed); absent while it is still announcing. */
  expected?: number;
  done?: number;
  failed?: number;
  deadLettered?: number;
  /** done + failed + deadLettered, kept as one counter so completion is one comparison. */
  finished?: number;
  /** Set once, by the delivery (or the seal) that brings finished to expected. */
  completedAt?: string;
  /** Where the report is, once complete: keys in the thumbnails bucket. */
  report?: { bucket: string; csv: string; json: string };
  /** One line per notification target: "ok" or why delivery failed. */
  notifications?: Record<string, string>;
}

/** One row of a batch: the image's outcome as the function counted it. */
export interface BatchEntry {
  imageKey: string;
  batch: string;
  key: string;
  status: BatchEntryStatus;
  renditions: number;
  bytes: number;
  error?: string;
  durationMs: number;
  feed: string;
  feedAt: string;
}

/** The webhook's JSON body; X-Thumbs-Signature is `sha256=` + hex HMAC-SHA256 of these bytes. */
export interface BatchNotice {
  batch: string;
  stack: string;
  expected: number;
  done: number;
  failed: number;
  deadLettered: number;
  startedAt: string;
  completedAt: string;
  report: { bucket: string; csv: string; json: string };
}

export const SIGNATURE_HEADER = 'X-Thumbs-Signature';
