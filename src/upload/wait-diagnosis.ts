import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { queueDepth } from '../queues/queue-depth.js';

/** Why images are not processed, as far as the stack's resources tell. */
export interface WaitDiagnosis {
  cause: 'thumbnails-bucket-missing' | 'no-consumer' | 'slow';
  /** One sentence naming the cause. */
  message: string;
}

export interface DiagnosisInput {
  thumbnailsBucket: string | undefined;
  queueUrl: string | undefined;
  /** Items that completed during the wait. */
  completed: number;
}

/** A thumbnails bucket that is gone makes every message fail until the DLQ takes it. */
export async function missingThumbnailsBucket(ctx: Context, bucket: string | undefined): Promise<boolean> {
  if (!bucket) return false;
  try {
    await ctx.clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return false;
  } catch (error) {
    return isNotFound(error);
  }
}

/** Why a wait ran out of time: checked in the order of what a user can fix. */
export async function diagnoseStall(ctx: Context, input: DiagnosisInput): Promise<WaitDiagnosis> {
  if (await missingThumbnailsBucket(ctx, input.thumbnailsBucket)) {
    return { cause: 'thumbnails-bucket-missing', message: `the thumbnails bucket ${input.thumbnailsBucket} does not exist, so every image fails and ends in the dead-letter queue` };
  }
  if (input.queueUrl && input.completed === 0) {
    const { waiting, inFlight } = await queueDepth(ctx.clients.sqs, input.queueUrl);
    if (waiting > 0 && inFlight === 0) return { cause: 'no-consumer', message: `nothing is consuming the queue (${waiting} messages waiting, none being processed)` };
  }
  return { cause: 'slow', message: `processing is slower than the wait (${input.completed} images completed while waiting)` };
}
