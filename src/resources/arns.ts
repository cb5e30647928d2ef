/** The partition a region belongs to; ARNs differ in China and GovCloud. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export const queueArnOf = (region: string, account: string, name: string) => `arn:${partitionOf(region)}:sqs:${region}:${account}:${name}`;
export const tableArnOf = (region: string, account: string, name: string) => `arn:${partitionOf(region)}:dynamodb:${region}:${account}:table/${name}`;
export const bucketArnOf = (region: string, name: string) => `arn:${partitionOf(region)}:s3:::${name}`;
export const roleArnOf = (region: string, account: string, name: string) => `arn:${partitionOf(region)}:iam::${account}:role/${name}`;
export const functionArnOf = (region: string, account: string, name: string) => `arn:${partitionOf(region)}:lambda:${region}:${account}:function:${name}`;
export const logGroupArnOf = (region: string, account: string, name: string) => `arn:${partitionOf(region)}:logs:${region}:${account}:log-group:${name}`;
export const topicArnOf = (region: string, account: string, name: string) => `arn:${partitionOf(region)}:sns:${region}:${account}:${name}`;
