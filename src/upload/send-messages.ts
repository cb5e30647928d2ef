import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { messageBody, type ImageMessage } from '../../lambda/contract.js';

export { messageBody, type ImageMessage } from '../../lambda/contract.js';

export interface SendFailure {
  key: string;
  error: string;
}

export interface BatchOutcome {
  sent: ImageMessage[];
  failed: SendFailure[];
}

export interface SendOptions {
  /** Attempts per entry, the first included; default 5. */
  maxAttempts?: number;
  /** First backoff; doubles each attempt, with jitter. Default 100 ms. */
  baseDelayMs?: number;
  /** Injected by tests so no test waits on a clock. */
  wait?: (ms: number) => Promise<unknown>;
}

/** SQS takes at most 10 entries per SendMessageBatch. */
export const BATCH_SIZE = 10;

/**
 * Sends up to 10 messages. SendMessageBatch answers 200 even when some entries failed
 * (DESIGN.md, fact 14): entries in `Failed` are resent with backoff, except SenderFault ones
 * (the request itself is wrong, so a resend would fail the same way), which are reported.
 * Entry ids are the positions in the batch: unique, and within SQS's [A-Za-z0-9_-]{1,80}.
 */
export async function sendBatch(sqs: SQSClient, queueUrl: string, messages: ImageMessage[], options: SendOptions = {}): Promise<BatchOutcome> {
  const maxAttempts = options.maxAttempts ?? 5;
  const wait = options.wait ?? sleep;
  const outcome: BatchOutcome = { sent: [], failed: [] };
  let pending = messages.map((message, index) => ({ id: `m${index}`, message }));
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > 1) await wait((options.baseDelayMs ?? 100) * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
    let answer;
    try {
      answer = await sqs.send(new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: pending.map(({ id, message }) => ({ Id: id, MessageBody: messageBody(message) })),
      }));
    } catch (error) {
      // The SDK has already retried throttling and network errors; what is left is final.
      outcome.failed.push(...pending.map(({ message }) => ({ key: message.key, error: (error as Error).message })));
      return outcome;
    }
    const ok = new Set((answer.Successful ?? []).map((entry) => entry.Id));
    const failures = new Map((answer.Failed ?? []).map((entry) => [entry.Id, entry]));
    const retry: typeof pending = [];
    for (const entry of pending) {
      const failure = failures.get(entry.id);
      if (ok.has(entry.id)) outcome.sent.push(entry.message);
      else if (failure?.SenderFault || attempt >= maxAttempts) {
        outcome.failed.push({ key: entry.message.key, error: `${failure?.Code ?? 'NotAcknowledged'}: ${failure?.Message ?? 'no answer for this entry'}` });
      } else retry.push(entry);
    }
    pending = retry;
  }
  return outcome;
}

/**
 * Collects messages as uploads finish and sends each full batch at once, so messages flow
 * while the upload is still running instead of all at the end.
 */
export class MessagePipeline {
  private buffer: ImageMessage[] = [];
  private readonly inFlight: Array<Promise<void>> = [];
  private readonly limit = pLimit(8);
  readonly failed: SendFailure[] = [];
  /** Sent, but not recorded in the journal: a re-run may send these messages again (harmless, as delivery is at-least-once). */
  readonly unrecorded: string[] = [];
  sent = 0;

  constructor(
    private readonly send: (batch: ImageMessage[]) => Promise<BatchOutcome>,
    /** Called with the messages SQS accepted, e.g. to journal them. */
    private readonly onSent: (messages: ImageMessage[]) => Promise<void>,
  ) {}

  add(message: ImageMessage): void {
    this.buffer.push(message);
    if (this.buffer.length >= BATCH_SIZE) this.dispatch();
  }

  /** Sends what is left and waits for every batch. */
  async close(): Promise<{ sent: number; failed: SendFailure[]; unrecorded: string[] }> {
    this.dispatch();
    await Promise.all(this.inFlight);
    return { sent: this.sent, failed: this.failed, unrecorded: this.unrecorded };
  }

  private dispatch(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight.push(this.limit(async () => {
      const outcome = await this.send(batch);
      this.sent += outcome.sent.length;
      this.failed.push(...outcome.failed);
      // Caught here: a rejection waiting for close() would be an unhandled rejection in the meantime.
      await this.onSent(outcome.sent).catch((error: unknown) => {
        this.unrecorded.push(`${outcome.sent.length} messages (${(error as Error).message})`);
      });
    }));
  }
}
