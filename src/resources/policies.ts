import { TIME_INDEX } from '../../lambda/contract.js';

/** IAM policy documents, pure: every statement names the stack's exact ARNs, never a wildcard resource. */

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<Record<string, unknown>>;
}

/** Only the Lambda service may assume the function's role. */
export function lambdaTrustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
}

export interface FunctionPolicyArns {
  originalsBucketArn: string;
  thumbnailsBucketArn: string;
  tableArn: string;
  queueArn: string;
  /** arn:...:log-group:/aws/lambda/<function> (without the trailing `:*`). */
  logGroupArn: string;
  /** The stack's SNS topic, when an email target is recorded: the function may publish there and nowhere else. */
  topicArn?: string;
}

/** What the thumbnailer and renderer do and nothing more: read originals, write (and read rendered) thumbnails and items, consume the queue, log. */
export function functionPolicy(arns: FunctionPolicyArns): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadOriginals', Effect: 'Allow', Action: 's3:GetObject', Resource: `${arns.originalsBucketArn}/*` },
      { Sid: 'WriteThumbnails', Effect: 'Allow', Action: 's3:PutObject', Resource: `${arns.thumbnailsBucketArn}/*` },
      // The renderer serves what it stored under r/ (PutObject above covers writing it).
      { Sid: 'ReadRenderings', Effect: 'Allow', Action: 's3:GetObject', Resource: `${arns.thumbnailsBucketArn}/r/*` },
      // Without s3:ListBucket a GetObject of a missing key is answered 403, not 404 (S3 GetObject docs):
      // the renderer must tell "not rendered yet" and "no such original" from a denial.
      { Sid: 'TellMissingObjects', Effect: 'Allow', Action: 's3:ListBucket', Resource: [arns.originalsBucketArn, arns.thumbnailsBucketArn] },
      {
        Sid: 'RecordMetadata',
        Effect: 'Allow',
        // TransactWriteItems needs no action of its own: each of its writes is authorised as PutItem/UpdateItem.
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: arns.tableArn,
      },
      // A finished batch's report reads the batch's entries from the time index.
      { Sid: 'ReadBatchEntries', Effect: 'Allow', Action: 'dynamodb:Query', Resource: `${arns.tableArn}/index/${TIME_INDEX}` },
      {
        Sid: 'ConsumeQueue',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
        Resource: arns.queueArn,
      },
      { Sid: 'CreateLogGroup', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: arns.logGroupArn },
      {
        Sid: 'WriteLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${arns.logGroupArn}:log-stream:*`,
      },
      ...(arns.topicArn ? [{ Sid: 'NotifyByEmail', Effect: 'Allow', Action: 'sns:Publish', Resource: arns.topicArn }] : []),
    ],
  };
}

/** Lets exactly one bucket of one account send its event notifications to the queue. */
export function queuePolicyForBucket(queueArn: string, bucketArn: string, account: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowOriginalsBucketNotifications',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  };
}

/** IAM returns policy documents URL-encoded; compare parsed documents, not strings. */
export function samePolicy(actual: string | undefined, desired: PolicyDocument): boolean {
  if (!actual) return false;
  try {
    return JSON.stringify(JSON.parse(decodeURIComponent(actual))) === JSON.stringify(desired);
  } catch {
    return false;
  }
}
