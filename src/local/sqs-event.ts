import type { Message, MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';

/** The record shape Lambda's SQS event source mapping delivers. */
export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, { stringValue?: string; binaryValue?: string; stringListValues: string[]; binaryListValues: string[]; dataType: string }>;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** What the handler receives, as Lambda's SQS event source mapping sends it. */
export interface SqsEvent {
  Records: SqsEventRecord[];
}

export interface QueueArn {
  arn: string;
  region: string;
}

/** arn:aws:sqs:<region>:<account>:<name>, from the queue URL's last two path segments. */
export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<QueueArn> {
  const region = await sqs.config.region().catch(() => 'us-east-1');
  // Not new URL(): fauxqs hosts such as sqs.us-east-1.127.0.0.1:4566 are not valid WHATWG URLs.
  const path = queueUrl.replace(/^[a-z]+:\/\/[^/]*/i, '').split(/[?#]/)[0] ?? '';
  const [account = '000000000000', name = 'queue'] = path.split('/').filter(Boolean).slice(-2);
  return { arn: `arn:aws:sqs:${region}:${account}:${name}`, region };
}

/** One received message as a Lambda SQS record. */
export function toRecord(message: Message, { arn, region }: QueueArn): SqsEventRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: { ...(message.Attributes ?? {}) } as Record<string, string>,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, toLambdaAttribute(value)]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
}

function toLambdaAttribute(value: MessageAttributeValue): SqsEventRecord['messageAttributes'][string] {
  return {
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    dataType: value.DataType ?? 'String',
  };
}
