import type { Context } from '../context.js';
import { peekDeadLetters as peek } from '../dlq/peek.js';

/** A message seen in the dead-letter queue, left there. */
export interface DeadLetter {
  messageId: string;
  /** From a thumbs message body; absent when the body is not one. */
  key?: string;
  etag?: string;
  /** Why it is there, as far as the message tells. */
  reason: string;
}

/** `upload --wait`'s view of the dead-letter queue: `thumbs dlq`'s listing (nothing consumed), with a reason per message. */
export async function peekDeadLetters(ctx: Context, url: string, want = Number.POSITIVE_INFINITY): Promise<DeadLetter[]> {
  const { messages } = await peek(ctx.clients.sqs, url, want);
  return messages.map(({ messageId, key, body }) => {
    if (key === undefined) return { messageId, reason: 'malformed message (not a thumbs upload message)' };
    return { messageId, key, ...etagOf(body), reason: 'the function failed it on every delivery without recording a result' };
  });
}

function etagOf(body: string): { etag?: string } {
  try {
    const { etag } = JSON.parse(body) as { etag?: unknown };
    return typeof etag === 'string' ? { etag } : {};
  } catch {
    return {};
  }
}
