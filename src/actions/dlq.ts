import type { Context } from '../context.js';
import { ExitCode, ThumbsError, usageError } from '../errors.js';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { lastErrors, type LastError } from '../dlq/last-errors.js';
import { peekDeadLetters, type DeadLetter } from '../dlq/peek.js';
import { redrive, type RedriveResult } from '../dlq/redrive.js';
import { openStack } from '../state/open-stack.js';
import { notProvisioned } from '../upload/stack-targets.js';
import { count } from '../output/plural.js';

export interface DlqOptions {
  redrive?: boolean;
  purge?: boolean;
  /** Most messages listed; default 1,000. */
  limit?: number;
}

export type ListedDeadLetter = DeadLetter & { lastError?: LastError };

export interface DlqResult {
  stack: string;
  deadLetterQueue: string;
  messages: ListedDeadLetter[];
  /** More messages than the limit: only the first ones are listed. */
  truncated: boolean;
  redrive?: RedriveResult;
  /** Messages deleted by --purge (the ones listed just before). */
  purged?: number;
  /** false when the purge prompt was answered no. */
  confirmed: boolean;
}

export const DEFAULT_DLQ_LIMIT = 1_000;

/** `thumbs dlq`: lists what the dead-letter queue holds without consuming it; then redrives or purges. */
export async function dlq(ctx: Context, options: DlqOptions = {}): Promise<DlqResult> {
  if (options.redrive && options.purge) throw usageError('conflicting-options', '--redrive and --purge both empty the dead-letter queue', 'Choose one: --redrive sends the messages back, --purge deletes them.');
  const stack = await openStack(ctx, { persist: false });
  const deadLetter = stack.store.get('deadLetterQueue');
  const queue = stack.store.get('queue');
  if (!deadLetter || !queue) throw notProvisioned(ctx, 'no queues recorded');
  const { messages, truncated } = await ctx.reporter.step('reading the dead-letter queue', () => peekDeadLetters(ctx.clients.sqs, deadLetter.id, options.limit ?? DEFAULT_DLQ_LIMIT));
  const reasons = await lastErrors(ctx, stack.store.get('table')?.id, messages);
  const result: DlqResult = {
    stack: stack.stack,
    deadLetterQueue: deadLetter.id,
    messages: messages.map((m) => ({ ...m, ...(reasons.get(m.messageId) ? { lastError: reasons.get(m.messageId) } : {}) })),
    truncated,
    confirmed: true,
  };
  if (options.redrive && messages.length > 0) {
    result.redrive = await ctx.reporter.step('moving the messages back to the work queue', () =>
      redrive(ctx.clients.sqs, {
        deadLetterUrl: deadLetter.id,
        deadLetterArn: deadLetter.arn ?? '',
        queueUrl: queue.id,
        queueArn: queue.arn ?? '',
      }, { tryMoveTask: ctx.target.backend !== 'embedded' && Boolean(deadLetter.arn && queue.arn) }),
    );
  }
  if (options.purge && messages.length > 0) {
    result.confirmed = await ctx.confirm(`delete ${truncated ? `${messages.length}+ messages` : count(messages.length, 'message')} of ${deadLetter.id}? They cannot be recovered.`);
    if (!result.confirmed) return result;
    await ctx.clients.sqs.send(new PurgeQueueCommand({ QueueUrl: deadLetter.id }));
    result.purged = messages.length;
  }
  return result;
}

/** The error to exit with once the result is shown. */
export function dlqOutcomeError(result: DlqResult): ThumbsError | undefined {
  if (!result.confirmed) return new ThumbsError('cancelled', 'purge cancelled at the prompt: nothing was deleted', { exitCode: ExitCode.usage, resultPrinted: true });
  const r = result.redrive;
  if (r && (r.failed > 0 || r.deleteFailed > 0)) {
    return new ThumbsError('redrive-incomplete', `${count(r.failed, 'message')} could not be sent back${r.deleteFailed ? `, ${r.deleteFailed} were sent but not deleted from the dead-letter queue` : ''}`, {
      hint: r.deleteFailed ? 'Those are in both queues: the function skips the second delivery of an image already done. Run `thumbs dlq --redrive` again for the rest.' : 'They are still in the dead-letter queue; run `thumbs dlq --redrive` again.',
      resultPrinted: true,
    });
  }
  return undefined;
}
