import type { SQSClient } from '@aws-sdk/client-sqs';
import type { GalleryImage } from './load-images.js';
import { queueDepth } from '../queues/queue-depth.js';

/** The status line of the live page. Queue counts are SQS's approximate ones. */
export interface PipelineStatus {
  waiting?: number;
  inFlight?: number;
  deadLettered?: number;
  /** Images recorded as done in the last 60 s, counted among the newest `LIVE_WINDOW` items. */
  donePerMinute: number;
  /** True when every item looked at was that recent, so the real rate may be higher. */
  doneCapped: boolean;
}

/** Newest items read per poll: enough for the status line and for what changed since the last one. */
export const LIVE_WINDOW = 100;

async function counts(sqs: SQSClient, queueUrl: string | undefined): Promise<{ visible?: number; notVisible?: number }> {
  if (!queueUrl) return {};
  const { waiting, inFlight } = await queueDepth(sqs, queueUrl);
  return { visible: waiting, notVisible: inFlight };
}

export async function pipelineStatus(
  sqs: SQSClient,
  queues: { queueUrl?: string; deadLetterUrl?: string },
  newest: GalleryImage[],
  now = Date.now(),
): Promise<PipelineStatus> {
  const [queue, dead] = await Promise.all([counts(sqs, queues.queueUrl), counts(sqs, queues.deadLetterUrl)]);
  const recent = newest.filter((image) => image.processedAt !== undefined && Date.parse(image.processedAt) >= now - 60_000);
  return {
    ...(queue.visible === undefined ? {} : { waiting: queue.visible, inFlight: queue.notVisible }),
    ...(dead.visible === undefined ? {} : { deadLettered: dead.visible }),
    donePerMinute: recent.filter((image) => image.status === 'done').length,
    doneCapped: newest.length >= LIVE_WINDOW && recent.length === newest.length,
  };
}

/** The newest processedAt among images, or `floor` when none is newer: the live cursor. */
export function newestProcessedAt(images: GalleryImage[], floor = ''): string {
  return images.reduce((max, image) => ((image.processedAt ?? '') > max ? image.processedAt ?? max : max), floor);
}

/** Items recorded after `since` (the function's own clock, from the previous answer), and the next cursor. */
export function changedSince(newest: GalleryImage[], since: string): { images: GalleryImage[]; cursor: string } {
  const images = newest.filter((image) => (image.processedAt ?? '') > since);
  return { images, cursor: newestProcessedAt(images, since) };
}
