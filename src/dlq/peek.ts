import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { decodeS3Key } from '../../lambda/events.js';

export interface DeadLetter {
  messageId: string;
  /** The image the message names; undefined for a body that is not a thumbs message or S3 notification. */
  key?: string;
  /** Receives so far, this listing's included (SQS counts every receive). */
  receiveCount: number;
  /** ISO times: when the message was first sent, and first received. */
  sent?: string;
  firstReceive?: string;
  body: string;
}

/** How long a peeked message stays hidden while the listing goes on; released at once afterwards. */
const PEEK_VISIBILITY_SECONDS = 30;

const isoOf = (ms: string | undefined) => (ms && Number.isFinite(Number(ms)) ? new Date(Number(ms)).toISOString() : undefined);

/** The image key a body names: a thumbs message's `key`, or the first record of an S3 notification. */
export function keyOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { key?: unknown; Records?: Array<{ s3?: { object?: { key?: unknown } } }>; Message?: unknown };
    if (typeof parsed.key === 'string') return parsed.key;
    const s3Key = parsed.Records?.[0]?.s3?.object?.key;
    if (typeof s3Key === 'string') return decodeS3Key(s3Key);
    if (typeof parsed.Message === 'string') return keyOf(parsed.Message);
  } catch {
    // Not JSON: no key to name.
  }
  return undefined;
}

function describe(message: Message): DeadLetter {
  const attributes = message.Attributes ?? {};
  const body = message.Body ?? '';
  const key = keyOf(body);
  return {
    messageId: message.MessageId ?? '',
    ...(key !== undefined ? { key } : {}),
    receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
    ...(isoOf(attributes.SentTimestamp) ? { sent: isoOf(attributes.SentTimestamp) } : {}),
    ...(isoOf(attributes.ApproximateFirstReceiveTimestamp) ? { firstReceive: isoOf(attributes.ApproximateFirstReceiveTimestamp) } : {}),
    body,
  };
}

/**
 * Lists up to `limit` messages without consuming them: each is received (so hidden for a moment,
 * which keeps the listing from seeing it twice), and once the queue answers empty every one is made
 * visible again with ChangeMessageVisibility 0. Nothing is deleted.
 */
export async function peekDeadLetters(sqs: SQSClient, queueUrl: string, limit: number): Promise<{ messages: DeadLetter[]; truncated: boolean }> {
  const held: Message[] = [];
  let truncated = false;
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        // Long polling asks every SQS server, so an empty answer means empty (short polling samples a few).
        WaitTimeSeconds: 1,
        VisibilityTimeout: PEEK_VISIBILITY_SECONDS,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp', 'ApproximateFirstReceiveTimestamp'],
      }));
      if (Messages.length === 0) break;
      held.push(...Messages);
      if (held.length >= limit) {
        truncated = true;
        break;
      }
    }
  } finally {
    await release(sqs, queueUrl, held);
  }
  return { messages: held.slice(0, limit).map(describe), truncated };
}

/** Makes received messages visible again at once (10 per call, SQS's batch limit). */
export async function release(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const entries = messages.slice(start, start + 10).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '', VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}
