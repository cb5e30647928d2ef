import { randomUUID } from 'node:crypto';
import type { RenditionSpec } from '../../lambda/config.js';
import { feedAttributes, messageBody, MESSAGE_VERSION, RUN_ATTRIBUTE, type ImageItem } from '../../lambda/contract.js';
import { renditionKey } from '../../lambda/keys.js';
import { logLine } from '../../lambda/log.js';
import { settingsHash } from '../../lambda/settings-hash.js';
import { stackNames } from '../resources/names.js';
import { dynamoItemBytes } from './item-size.js';

/**
 * The records the pipeline writes for one image, built with the function's own shapes (contract,
 * keys, log line) so that their sizes follow the code: the DynamoDB item, the SQS message, the log.
 */

export interface RenderedImage {
  key: string;
  bytes: number;
  contentType: string;
  width: number;
  height: number;
  format: string;
  renditions: Array<{ width: number; height: number; bytes: number }>;
  thumbhash?: string;
  ms: number;
}

export interface RecordSizes {
  itemBytes: number;
  messageBytes: number;
  /** The image's log line plus its share of the invocation's start and report lines. */
  logBytes: number;
}

/** A 12-digit account id and a typical stack name: only their lengths matter here. */
const NAMES = stackNames('default', '123456789012', 'us-east-1');
/** CloudWatch Logs bills each event's bytes plus 26 bytes (https://aws.amazon.com/cloudwatch/pricing/, "Logs"). */
export const LOG_EVENT_OVERHEAD_BYTES = 26;
const ETAG = 'd41d8cd98f00b204e9800998ecf8427e';

export function recordSizes(image: RenderedImage, specs: readonly RenditionSpec[], quality: number, batchSize: number): RecordSizes {
  const processedAt = new Date().toISOString();
  const item: ImageItem = {
    imageKey: image.key,
    sourceBucket: NAMES.originalsBucket,
    etag: ETAG,
    bytes: image.bytes,
    contentType: image.contentType,
    width: image.width,
    height: image.height,
    format: image.format,
    renditions: image.renditions.map((r, i) => ({ name: String(specs[i]!.size), key: renditionKey(image.key, specs[i]!), width: r.width, height: r.height, bytes: r.bytes, format: specs[i]!.format })),
    ...(image.thumbhash ? { thumbhash: image.thumbhash } : {}),
    status: 'done',
    attempts: 1,
    processedAt,
    durationMs: Math.round(image.ms),
    settings: settingsHash({ renditions: specs, quality }),
  };
  const body = messageBody({ v: MESSAGE_VERSION, bucket: NAMES.originalsBucket, key: image.key, etag: ETAG, size: image.bytes, contentType: image.contentType, settings: item.settings });
  const runId = randomUUID();
  const requestId = randomUUID();
  const record = logLine('info', { msg: 'record', messageId: randomUUID(), bucket: NAMES.originalsBucket, key: image.key, etag: ETAG, run: runId, status: 'done', ms: Math.round(image.ms) });
  // The function logs in Lambda's JSON format: each line inside an envelope, plus the platform's start and report records.
  const envelope = JSON.stringify({ timestamp: processedAt, level: 'INFO', requestId, message: record });
  const start = JSON.stringify({ time: processedAt, type: 'platform.start', record: { requestId, version: '$LATEST' } });
  const report = JSON.stringify({
    time: processedAt,
    type: 'platform.report',
    record: { requestId, metrics: { durationMs: 1234.56, billedDurationMs: 1235, memorySizeMB: 1024, maxMemoryUsedMB: 345 }, status: 'success' },
  });
  const bytes = (line: string) => Buffer.byteLength(line, 'utf8') + LOG_EVENT_OVERHEAD_BYTES;
  return {
    itemBytes: dynamoItemBytes({ ...item, ...feedAttributes(item) }),
    messageBytes: Buffer.byteLength(body, 'utf8') + RUN_ATTRIBUTE.length + 'String'.length + runId.length,
    logBytes: bytes(envelope) + (bytes(start) + bytes(report)) / batchSize,
  };
}
