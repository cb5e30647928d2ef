import { PRICE_TABLE_DATE } from './price-table.js';
import { BATCH_SIZE, FULL_VCPU_MB } from './lambda-model.js';
import { sqsRequestsPerImage, writeUnits, type ImageProfile } from './per-image.js';
import type { Prices } from './prices.js';

interface Described {
  memoryMb: number;
  arch: string;
  region: string;
  measured: { cpuMsPerImage: number; parallelFraction: number; machine: string; renditions: string; quality: number; failed: unknown[] };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The model's assumptions, in words, with the figures this estimate used. */
export function describeAssumptions(result: Described, profile: ImageProfile, prices: Prices): string[] {
  const m = result.measured;
  return [
    `Lambda time is the CPU time the function's own transform took here (${m.cpuMsPerImage.toFixed(0)} ms per photo on ${m.machine}), taking one Lambda vCPU (${result.arch}) to be as fast as one core of this machine.`,
    `A function gets ${result.memoryMb} / ${FULL_VCPU_MB} of a vCPU; above ${FULL_VCPU_MB} MB the extra cores speed up only the part that ran in parallel here (${(m.parallelFraction * 100).toFixed(0)}%).`,
    `Billed per invocation of ${BATCH_SIZE} messages, rounded up to the millisecond, plus one request per invocation; waits on S3 and DynamoDB are taken to overlap with the other records' CPU work, and cold starts are not counted.`,
    `S3: one PUT for the original, one per rendition (${m.renditions}, quality ${m.quality}) and the function's one GET; storage is S3 Standard for originals and renditions, billed each month they are kept.`,
    `SQS: ${sqsRequestsPerImage(profile.messageBytes).toFixed(2)} requests per photo (sent, received and deleted in batches of ${BATCH_SIZE}); the empty receives Lambda's pollers make while the queue is idle are not counted.`,
    `DynamoDB on-demand: an item of about ${kb(profile.itemBytes)}, ${writeUnits(profile.itemBytes)} write units (table and time index) and one consistent read per photo.`,
    `CloudWatch Logs: about ${profile.logBytes.toFixed(0)} bytes ingested per photo; their storage is not counted.`,
    `List prices of ${result.region} from thumbs' price table of ${PRICE_TABLE_DATE} (${prices.source}); no free tier, no data transfer out, no upload bandwidth.`,
    ...(m.failed.length > 0 ? [`${m.failed.length} sampled photo(s) could not be rendered and are left out; the function would record them as failed.`] : []),
  ];
}
