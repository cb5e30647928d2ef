import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SQSClient } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageBody, RUN_ATTRIBUTE, type ImageMessage } from '../../lambda/contract.js';
import type { MiddlewareStack } from '@smithy/types';
import { countLostAnswers } from './lost-answers.js';
import type { JournalEntry } from './sent-journal.js';

export { messageBody, type ImageMessage } from '../../lambda/contract.js';

export interface SendFailure {
  key: string;
  error: string;
}

export interface BatchOutcome {
  sent: ImageMessage[];
  failed: SendFailure[];
  /**
   * Copies SQS may hold beyond one per message: for each entry, the attempts before the one that
   * counted that failed yet may have been carried out (a lost answer, a 5xx); none for a throttled
   * or refused attempt, or a connection never made. An upper bound, exact when every lost answer
   * was lost after SQS took the request; entries reported failed count too, as they may be there once.
   */
  resent: number;
}

export interface SendOptions {
  /** Attempts per entry, the first included; default 5. */
  maxAttempts?: number;
  /** First backoff; doubles each attempt, with jitter. Default 100 ms. */
  baseDelayMs?: number;
  /** Injected by tests so no test waits on a clock. */
  wait?: (ms: number) => Promise<unknown>;
  /** Carried by every message as the RUN_ATTRIBUTE message attribute, so duplicates can be traced to their run. */
  runId?: string;
  /** Ends a request in flight (the grace period after Ctrl-C is over). */
  abortSignal?: AbortSignal;
  /**
   * Sends the command instead of `sqs.send` (Clients.sendMessageBatch, the direct path), adding
   * to `lost` each attempt of its own that failed yet may have been carried out.
   */
  send?: (command: SendMessageBatchCommand, lost: { count: number }, abortSignal?: AbortSignal) => Promise<SendMessageBatchCommandOutput>;
}

/** SQS takes at most 10 entries per SendMessageBatch. */
export const BATCH_SIZE = 10;

/**
 * Sends up to 10 messages. SendMessageBatch answers 200 even when some entries failed (its result
 * lists Successful and Failed entries, SQS API reference): entries in `Failed` are resent with backoff, except SenderFault ones
 * (the request itself is wrong, so a resend would fail the same way), which are reported.
 * Entry ids are the positions in the batch: unique, and within SQS's [A-Za-z0-9_-]{1,80}.
 */
export async function sendBatch(sqs: SQSClient, queueUrl: string, messages: ImageMessage[], options: SendOptions = {}): Promise<BatchOutcome> {
  const maxAttempts = options.maxAttempts ?? 5;
  const wait = options.wait ?? sleep;
  const outcome: BatchOutcome = { sent: [], failed: [], resent: 0 };
  const attributes = options.runId ? { MessageAttributes: { [RUN_ATTRIBUTE]: { DataType: 'String', StringValue: options.runId } } } : {};
  let pending = messages.map((message, index) => ({ id: `m${index}`, message }));
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > 1) await wait((options.baseDelayMs ?? 100) * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
    let answer;
    const command = new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: pending.map(({ id, message }) => ({ Id: id, MessageBody: messageBody(message), ...attributes })),
    });
    const lost = countLostAnswers(command.middlewareStack as unknown as MiddlewareStack<object, object>);
    try {
      answer = await (options.send ? options.send(command, lost, options.abortSignal) : sqs.send(command, { abortSignal: options.abortSignal }));
    } catch (error) {
      // The SDK has already retried throttling and network errors; what is left is final. The last
      // attempt may have arrived too (an abandoned request), and every entry of it with it.
      outcome.resent += pending.length * lost.count;
      outcome.failed.push(...pending.map(({ message }) => ({ key: message.key, error: (error as Error).message })));
      return outcome;
    }
    // Each attempt that may have arrived carried every pending entry: those accepted now may be there once more.
    outcome.resent += pending.length * lost.count;
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

/** A message and the file it announces (failures are reported by path). */
export interface Outgoing {
  message: ImageMessage;
  path: string;
}

export interface BatchJournal {
  /** Awaited before the batch is sent. */
  intend(batch: string, entries: JournalEntry[]): Promise<void>;
  accepted(batch: string, entries: JournalEntry[]): Promise<void>;
}

export interface PipelineResult {
  sent: number;
  resent: number;
  failed: Array<SendFailure & { path: string }>;
  unrecorded: string[];
}

/** Batches sent at once; with uploads waiting on add() this bounds the messages held in memory too. */
export const BATCHES_IN_FLIGHT = 8;

const entriesOf = (batch: Outgoing[] | ImageMessage[]): JournalEntry[] =>
  batch.map((item) => ('message' in item ? item.message : item)).map((message) => [message.key, message.etag] as const);

/**
 * Collects messages as uploads finish and sends each full batch at once, so messages flow while
 * the upload is still running. Each batch is journaled as intended before it is sent and as
 * accepted after; add() waits while BATCHES_IN_FLIGHT batches are out, so a slow queue slows the
 * uploads instead of piling messages up.
 */
export class MessagePipeline {
  private buffer: Outgoing[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private sequence = 0;
  private readonly result: PipelineResult = { sent: 0, resent: 0, failed: [], unrecorded: [] };

  constructor(
    private readonly send: (batch: ImageMessage[]) => Promise<BatchOutcome>,
    private readonly journal: BatchJournal,
    /** Names this run's batches in the journal. */
    private readonly runId = 'run',
  ) {}

  async add(item: Outgoing): Promise<void> {
    this.buffer.push(item);
    await this.flush(BATCH_SIZE);
  }

  /** Sends what is left and waits for every batch. */
  async close(): Promise<PipelineResult> {
    await this.flush(1);
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    return this.result;
  }

  /** Sends batches while `least` messages are waiting, never more than BATCHES_IN_FLIGHT at once. */
  private async flush(least: number): Promise<void> {
    while (this.buffer.length >= least) {
      if (this.inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(this.inFlight);
      else this.dispatch();
    }
  }

  private dispatch(): void {
    const batch = this.buffer.splice(0, BATCH_SIZE);
    const task: Promise<void> = this.sendOne(batch).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async sendOne(batch: Outgoing[]): Promise<void> {
    const id = `${this.runId}:${(this.sequence += 1)}`;
    // A journal that cannot be written costs exactness on a crash, never the upload: warn and send.
    await this.journal.intend(id, entriesOf(batch)).catch((error: unknown) => {
      this.result.unrecorded.push(`${batch.length} messages not journaled before sending (${(error as Error).message})`);
    });
    const outcome = await this.send(batch.map((item) => item.message));
    this.result.sent += outcome.sent.length;
    this.result.resent += outcome.resent;
    const pathOf = new Map(batch.map((item) => [item.message.key, item.path]));
    this.result.failed.push(...outcome.failed.map((failure) => ({ ...failure, path: pathOf.get(failure.key) ?? failure.key })));
    await this.journal.accepted(id, entriesOf(outcome.sent)).catch((error: unknown) => {
      this.result.unrecorded.push(`${outcome.sent.length} messages (${(error as Error).message})`);
    });
  }
}
