import { BATCH_SIZE, billedBatchMs, imageMs, lambdaCostPerImage } from './lambda-model.js';
import type { Prices } from './prices.js';

/** What one image costs the pipeline, measured or derived from the sample (sizes in bytes). */
export interface ImageProfile {
  /** CPU time of the function's transform and placeholder, on this machine. */
  cpuMs: number;
  originalBytes: number;
  /** All renditions together. */
  renditionBytes: number;
  renditions: number;
  /** Bytes the function logs for the image, its share of the invocation's own lines included. */
  logBytes: number;
  /** The DynamoDB item's size as DynamoDB counts it. */
  itemBytes: number;
  /** The SQS message's body and attributes. */
  messageBytes: number;
}

export interface CostParts {
  lambda: number;
  s3: number;
  sqs: number;
  dynamodb: number;
  logs: number;
  total: number;
}

export interface ImageCost {
  /** Billed milliseconds per image: the batch's billed duration shared by its images. */
  msPerImage: number;
  parts: CostParts;
  /** GB stored per image (original and renditions), billed per month while kept. */
  storageGb: number;
}

/** Bytes in the GB that S3, CloudWatch Logs and Lambda bill by. */
export const GB = 1024 ** 3;
/** SQS bills each 64 KB chunk of a request's payload as one request (https://aws.amazon.com/sqs/pricing/). */
export const SQS_CHUNK_BYTES = 64 * 1024;
/** One write request unit writes up to 1 KB; a strongly consistent read unit reads up to 4 KB. */
export const WRITE_UNIT_BYTES = 1024;
export const READ_UNIT_BYTES = 4096;

/** DynamoDB write units of one item written to the table and to the time index (projection ALL: the same size). */
export const writeUnits = (itemBytes: number): number => 2 * Math.max(1, Math.ceil(itemBytes / WRITE_UNIT_BYTES));

/**
 * SQS requests per image: upload sends batches of BATCH_SIZE, Lambda's poller receives them and
 * deletes them in one request each; send and receive carry the messages' payload.
 */
export function sqsRequestsPerImage(messageBytes: number, batchSize = BATCH_SIZE): number {
  const payloadChunks = Math.max(1, Math.ceil((messageBytes * batchSize) / SQS_CHUNK_BYTES));
  return (payloadChunks * 2 + 1) / batchSize;
}

/** The cost of one image at a memory size: the pipeline's charges for it, by service. */
export function costPerImage(profile: ImageProfile, memoryMb: number, parallelFraction: number, prices: Prices): ImageCost {
  const ms = imageMs(profile.cpuMs, parallelFraction, memoryMb);
  const lambda = lambdaCostPerImage(ms, memoryMb, prices);
  // The original's PUT (upload) and one per rendition (function); the function's one GET of the original.
  const s3 = (1 + profile.renditions) * prices.s3Put + prices.s3Get;
  const sqs = sqsRequestsPerImage(profile.messageBytes) * prices.sqsRequest;
  // The function's consistent GetItem (1 unit, found or not, up to 4 KB) and its PutItem.
  const dynamodb = writeUnits(profile.itemBytes) * prices.dynamodbWrite + Math.max(1, Math.ceil(profile.itemBytes / READ_UNIT_BYTES)) * prices.dynamodbRead;
  const logs = (profile.logBytes / GB) * prices.logsGb;
  return {
    msPerImage: billedBatchMs(ms) / BATCH_SIZE,
    parts: { lambda, s3, sqs, dynamodb, logs, total: lambda + s3 + sqs + dynamodb + logs },
    storageGb: (profile.originalBytes + profile.renditionBytes) / GB,
  };
}
