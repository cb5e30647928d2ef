import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS's approximate counts: waiting to be received, and received but not yet deleted (in flight). */
export interface QueueDepth {
  waiting: number;
  inFlight: number;
}

/** One GetQueueAttributes call; every command that shows a queue's depth reads it here. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<QueueDepth> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: url,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  }));
  return { waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
}
