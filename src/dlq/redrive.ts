import {
  DeleteMessageBatchCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorName, isAccessDenied } from '../aws/aws-errors.js';
import { isEndpointNotAws } from '../aws/not-aws.js';
import { queueDepth } from '../queues/queue-depth.js';
import { release } from './peek.js';

export interface RedriveTarget {
  deadLetterUrl: string;
  deadLetterArn: string;
  queueUrl: string;
  queueArn: string;
}

export interface RedriveResult {
  /** move-task: SQS moved them (StartMessageMoveTask); copy: received, sent, then deleted here. */
  method: 'move-task' | 'copy';
  moved: number;
  /** Could not be sent: still in the dead-letter queue. */
  failed: number;
  /** Sent, but the delete from the dead-letter queue failed: they are in both queues. */
  deleteFailed: number;
}

export interface RedriveOptions {
  /** false on backends known not to have StartMessageMoveTask (the embedded one). */
  tryMoveTask: boolean;
  /** Pause between ListMessageMoveTasks polls; default 1000 ms. */
  pollMs?: number;
}

/** The answers of an endpoint that does not implement StartMessageMoveTask. */
const UNSUPPORTED = new Set(['InvalidAction', 'UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', 'UnknownOperationException', 'NotImplemented', 'InternalFailure']);

const COPY_VISIBILITY_SECONDS = 60;

/** Moves every dead-lettered message back to the work queue. */
export async function redrive(sqs: SQSClient, target: RedriveTarget, options: RedriveOptions): Promise<RedriveResult> {
  if (options.tryMoveTask) {
    try {
      return await moveTask(sqs, target, options.pollMs ?? 1000);
    } catch (error) {
      // A policy that denies the move task (lab accounts) still lets the copy below through with receive, send and delete.
      // moto 5.1.15 answers an action it lacks with a bare 500 HTML page, no request id: the copy's first
      // call tells whether the endpoint speaks SQS at all.
      if (!UNSUPPORTED.has(errorName(error)) && !isAccessDenied(error) && !isEndpointNotAws(error)) throw error;
    }
  }
  return copy(sqs, target);
}

/** SQS moves them itself; the task is followed until it ends so that the count is final. */
async function moveTask(sqs: SQSClient, target: RedriveTarget, pollMs: number): Promise<RedriveResult> {
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: target.deadLetterArn, DestinationArn: target.queueArn }));
  for (;;) {
    const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: target.deadLetterArn, MaxResults: 10 }));
    const task = Results.find((t) => t.TaskHandle === TaskHandle) ?? Results[0];
    const status = task?.Status ?? 'RUNNING';
    if (status === 'COMPLETED') return { method: 'move-task', moved: task?.ApproximateNumberOfMessagesMoved ?? 0, failed: 0, deleteFailed: 0 };
    if (status === 'FAILED' || status === 'CANCELLED') {
      throw Object.assign(new Error(`message move task ${status.toLowerCase()}: ${task?.FailureReason ?? 'no reason given'}`), { name: 'MessageMoveTaskFailed' });
    }
    await sleep(pollMs);
  }
}

/**
 * Receive 10, send them to the work queue, then delete from the dead-letter queue exactly the ones
 * SQS accepted: a message is never deleted before it is safely in the other queue. Those whose send
 * failed are made visible again at the end. Stops when the queue answers empty, or after as many
 * messages as it held at the start (a message failing again must not be chased round in circles).
 */
async function copy(sqs: SQSClient, target: RedriveTarget): Promise<RedriveResult> {
  const result: RedriveResult = { method: 'copy', moved: 0, failed: 0, deleteFailed: 0 };
  const budget = (await queueDepth(sqs, target.deadLetterUrl)).waiting;
  const unsent: Message[] = [];
  try {
    while (result.moved + result.failed < budget) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: target.deadLetterUrl,
        MaxNumberOfMessages: Math.min(10, budget - result.moved - result.failed),
        WaitTimeSeconds: 1,
        VisibilityTimeout: COPY_VISIBILITY_SECONDS,
        MessageAttributeNames: ['All'],
      }));
      if (Messages.length === 0) break;
      let sent;
      try {
        sent = await sqs.send(new SendMessageBatchCommand({
          QueueUrl: target.queueUrl,
          Entries: Messages.map((m, i) => ({
            Id: String(i),
            MessageBody: m.Body ?? '',
            ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0 ? { MessageAttributes: m.MessageAttributes } : {}),
          })),
        }));
      } catch (error) {
        unsent.push(...Messages);
        throw error;
      }
      const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
      const accepted = Messages.filter((_, i) => ok.has(String(i)));
      unsent.push(...Messages.filter((_, i) => !ok.has(String(i))));
      result.failed += Messages.length - accepted.length;
      result.moved += accepted.length;
      if (accepted.length === 0) continue;
      const deleted = await sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: target.deadLetterUrl,
        Entries: accepted.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }));
      result.deleteFailed += deleted.Failed?.length ?? 0;
    }
  } finally {
    await release(sqs, target.deadLetterUrl, unsent).catch(() => undefined);
  }
  return result;
}
