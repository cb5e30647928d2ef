import { AmplifyClient } from '@aws-sdk/client-amplify';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Clients } from './clients.js';

export interface ControlPlane {
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  readonly amplify: AmplifyClient;
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly sns: SNSClient;
}

/**
 * The clients of the services that only provision, deploy, publish, teardown and doctor use, built
 * with the same settings as ctx.clients. They live apart because loading these SDK packages costs
 * more (about a second) than the rest of the CLI, and upload, scan-db or gallery need none of them.
 * EC2 (28 MB, for one DescribeRegions) is not here at all: only `thumbs doctor` builds it (doctor/region.ts).
 */
export function controlPlane(ctx: { clients: Clients }): ControlPlane {
  const { clients } = ctx;
  return {
    get iam() {
      return clients.build('iam', (config) => new IAMClient(config));
    },
    get lambda() {
      return clients.build('lambda', (config) => new LambdaClient(config));
    },
    get logs() {
      return clients.build('logs', (config) => new CloudWatchLogsClient(config));
    },
    get amplify() {
      return clients.build('amplify', (config) => new AmplifyClient(config));
    },
    get tagging() {
      return clients.build('tagging', (config) => new ResourceGroupsTaggingAPIClient(config));
    },
    get sns() {
      return clients.build('sns', (config) => new SNSClient(config));
    },
  };
}
