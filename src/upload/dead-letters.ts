import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from '../context.js';

/** A message seen in the dead-letter queue, left there. */
export interface DeadLetter {
  messageId: string;
  /** From a thumbs message body; absent when the body is not one. */
  key?: string;
  etag?: string;
  /** Why it is there, as far as the message tells. */
  reason: string;
}

/** ReceiveMessage returns at most 10; a few rounds see the newest arrivals of a busy DLQ. */
const PEEK_ROUNDS = 5;

/**
 * A look at the dead-letter queue that consumes nothing: received with a visibility timeout of
 * 0, each message stays visible to everyone else (and to `thumbs dlq`). Standard queues return
 * a sample per call, so this sees up to PEEK_ROUNDS x 10 distinct messages, not necessarily all.
 */
export async function peekDeadLetters(ctx: Context, url: string, want = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
  const seen = new Map<string, DeadLetter>();
  for (let round = 0; round < PEEK_ROUNDS && seen.size < want; round += 1) {
    const { Messages = [] } = await ctx.clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
    }));
    if (Messages.length === 0) break;
    for (const message of Messages) {
      if (message.MessageId && !seen.has(message.MessageId)) seen.set(message.MessageId, describe(message.MessageId, message.Body));
    }
  }
  return [...seen.values()];
}

function describe(messageId: string, body: string | undefined): DeadLetter {
    try {
    const parsed = JSON.parse(body ?? '') as { key?: unknown; etag?: unknown };
    if (typeof parsed.key === 'string') {
      return {
        messageId,
        key: parsed.key,
        ...(typeof parsed.etag === 'string' ? { etag: parsed.etag } : {}),
        reason: 'the function failed it on every delivery without recording a result',
      };
    }
  } catch {
    // not JSON: reported as malformed below
  }
  return { messageId, reason: 'malformed message (not a thumbs upload message)' };
}
