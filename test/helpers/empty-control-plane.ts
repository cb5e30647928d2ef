import { AmplifyClient, ListAppsCommand } from '@aws-sdk/client-amplify';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError } from './fake-aws.js';

/**
 * An account with no function, role, log group, trigger, app or tagged resource of the stack: what teardown's
 * search by name finds in tests that are about the data side only. Returns the mocks to restore.
 */
export function mockEmptyControlPlane(s3 = mockClient(S3Client), keep: { logs?: boolean; amplify?: boolean } = {}) {
  const lambda = mockClient(LambdaClient);
  const iam = mockClient(IAMClient);
  const logs = keep.logs ? undefined : mockClient(CloudWatchLogsClient);
  const amplify = keep.amplify ? undefined : mockClient(AmplifyClient);
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
  lambda.on(GetFunctionCommand).rejects(awsError('ResourceNotFoundException', 404));
  lambda.on(ListEventSourceMappingsCommand).rejects(awsError('ResourceNotFoundException', 404));
  iam.on(GetRoleCommand).rejects(awsError('NoSuchEntity', 404));
  iam.on(GetRolePolicyCommand).rejects(awsError('NoSuchEntity', 404));
  logs?.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  amplify?.on(ListAppsCommand).resolves({ apps: [] });
  s3.on(GetBucketNotificationConfigurationCommand).resolves({});
  return { lambda, iam, tagging, restore: () => [lambda, iam, tagging, ...(amplify ? [amplify] : []), ...(logs ? [logs] : [])].forEach((m) => m.restore()) };
}
