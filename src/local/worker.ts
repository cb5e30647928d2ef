import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { setTimeout as delay } from 'node:timers/promises';
import { queueArn, toRecord, type QueueArn, type SqsEvent, type SqsEventRecord } from './sqs-event.js';

export type { SqsEvent, SqsEventRecord } from './sqs-event.js';

/** What the handler returns: an SQS partial batch response. */
export interface BatchResult {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface BatchSummary {
  received: number;
  /** Acknowledged and deleted. */
  succeeded: number;
  /** Left on the queue: they reappear when their visibility timeout ends. */
  failed: number;
  /** Reported as succeeded but DeleteMessageBatch refused them; they will be delivered again. */
  deleteFailed: number;
  durationMs: number;
  /** Set when the handler threw (the whole batch failed) or returned an invalid response. */
  error?: string;
}

export interface LocalWorkerOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: (event: SqsEvent) => Promise<BatchResult>;
  /** Messages per batch, 1-10; default 10. */
  batchSize?: number;
  /** Overrides the queue's visibility timeout for received messages; default: the queue's own. */
  visibilityTimeoutSeconds?: number;
  /** Long-polling wait, 0-20; default 20. */
  waitTimeSeconds?: number;
  onBatch?: (summary: BatchSummary) => void;
  /** Called when polling itself fails; the worker backs off and keeps polling. */
  onError?: (err: unknown) => void;
  signal?: AbortSignal;
}

export interface LocalWorker {
  /** Stops polling, lets the batch in progress finish, resolves when the loop is over. */
  stop(): Promise<void>;
  done: Promise<void>;
}

const ERROR_BACKOFF_MS = 1000;

/**
 * Polls an SQS queue and calls the handler like Lambda's event source mapping: partial batch
 * responses, failed messages left to reappear after their visibility timeout, successes deleted.
 * Redrive to the DLQ is left to the queue: fauxqs 1.9.2 applies RedrivePolicy on receive
 * (sqsStore.dequeue moves a message whose receive count exceeds maxReceiveCount), as SQS does.
 */
export function startLocalWorker(options: LocalWorkerOptions): LocalWorker {
  const controller = new AbortController();
  const onExternalAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });
  if (options.signal?.aborted) controller.abort();

  const done = pollLoop(options, controller.signal).finally(() => options.signal?.removeEventListener('abort', onExternalAbort));
  return {
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

async function pollLoop(options: LocalWorkerOptions, signal: AbortSignal): Promise<void> {
  const arn = await queueArn(options.sqs, options.queueUrl);
  while (!signal.aborted) {
    let messages: Message[];
    try {
      const response = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: options.batchSize ?? 10,
          WaitTimeSeconds: options.waitTimeSeconds ?? 20,
          VisibilityTimeout: options.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      messages = response.Messages ?? [];
    } catch (err) {
      if (signal.aborted) break;
      options.onError?.(err);
      // Resolves early when stopping; the abort is the loop's signal to end, not an error.
      await delay(ERROR_BACKOFF_MS, undefined, { signal }).catch(() => undefined);
      continue;
    }
    if (messages.length === 0) continue;
    // A batch already received is finished even when stopping, so its successes are deleted.
    const summary = await runBatch(options, messages, arn);
    try {
      options.onBatch?.(summary);
    } catch (err) {
      options.onError?.(err);
    }
  }
}

async function runBatch(options: LocalWorkerOptions, messages: Message[], arn: QueueArn): Promise<BatchSummary> {
  const started = performance.now();
  const event: SqsEvent = { Records: messages.map((m) => toRecord(m, arn)) };
  const failed = new Set<string>();
  let error: string | undefined;
  try {
    const result = await options.handler(event);
    const ids = new Set(event.Records.map((r) => r.messageId));
    for (const failure of result?.batchItemFailures ?? []) {
      // Lambda treats an identifier that is not in the batch as a failure of the whole batch.
      if (!ids.has(failure?.itemIdentifier)) throw new Error(`invalid batchItemFailures entry ${JSON.stringify(failure)}`);
      failed.add(failure.itemIdentifier);
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    for (const record of event.Records) failed.add(record.messageId);
  }
  const succeeded = event.Records.filter((r) => !failed.has(r.messageId));
  const deleteFailed = await deleteMessages(options, succeeded, options.onError);
  return {
    received: messages.length,
    succeeded: succeeded.length - deleteFailed,
    failed: failed.size,
    deleteFailed,
    durationMs: Math.round(performance.now() - started),
    ...(error ? { error } : {}),
  };
}

/** Deletes in one DeleteMessageBatch (it partly fails with HTTP 200: count `Failed`). */
async function deleteMessages(options: LocalWorkerOptions, records: SqsEventRecord[], onError?: (err: unknown) => void): Promise<number> {
  if (records.length === 0) return 0;
  try {
    const { Failed } = await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: records.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
    if (Failed?.length) onError?.(new Error(`DeleteMessageBatch failed for ${Failed.length} message(s): ${Failed[0]?.Code ?? ''} ${Failed[0]?.Message ?? ''}`));
    return Failed?.length ?? 0;
  } catch (err) {
    onError?.(err);
    return records.length;
  }
}
