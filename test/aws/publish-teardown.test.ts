import { AmplifyClient, DeleteAppCommand, GetAppCommand, ListAppsCommand, NotFoundException } from '@aws-sdk/client-amplify';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { teardown } from '../../src/actions/teardown.js';
import { readState, writeState, type StackState } from '../../src/state/state-file.js';
import { amplifyAppModule as amplifyAppRemover } from '../../src/resources/amplify-app.js';
import { RESOURCE_MODULES as REMOVERS } from '../../src/resources/registry.js';
import { mockEmptyControlPlane } from '../helpers/empty-control-plane.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const amplify = mockClient(AmplifyClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const ddb = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const ACCOUNT = '123456789012';
const SITE = `thumbs-default-site-${ACCOUNT}-us-east-1`;
const ours = { 'thumbs:stack': 'default' };

function state(resources: StackState['resources']): StackState {
  return { version: 1, stack: 'default', account: ACCOUNT, region: 'us-east-1', backend: 'aws', updatedAt: '', resources };
}

beforeEach(() => {
  for (const mock of [amplify, s3, sts, ddb, sqs]) mock.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  s3.on(ListObjectVersionsCommand).resolves({});
  s3.on(ListObjectsV2Command).resolvesOnce({ Contents: [{ Key: 'index.html' }, { Key: 'manifest.json' }] }).resolves({});
  s3.on(ListMultipartUploadsCommand).resolves({});
  s3.on(DeleteObjectsCommand).resolves({});
  s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'thumbs:stack', Value: 'default' }] });
  // Teardown also looks for the rest of the stack by name: none of it exists here.
  mockEmptyControlPlane(s3, { amplify: true });
  amplify.on(ListAppsCommand).resolves({ apps: [] });
  ddb.on(DescribeTableCommand).rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
  sqs.on(GetQueueUrlCommand).rejects(Object.assign(new Error('gone'), { name: 'QueueDoesNotExist' }));
  for (const bucket of [`thumbs-default-originals-${ACCOUNT}-us-east-1`, `thumbs-default-thumbnails-${ACCOUNT}-us-east-1`, SITE]) {
    s3.on(HeadBucketCommand, { Bucket: bucket }).rejects(new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: '' }));
  }
});

describe('teardown of what publish created', () => {
  it('registers the Amplify app and the site bucket in the first wave', () => {
    expect(REMOVERS.filter((r) => r.kind === 'amplifyApp' || r.kind === 'siteBucket').map((r) => [r.kind, r.wave]))
      .toEqual([['amplifyApp', 1], ['siteBucket', 1]]);
  });

  it('deletes the recorded, tagged Amplify app and empties and deletes the site bucket', async () => {
    const { ctx, stateDir } = await mockAwsContext();
    await writeState(stateDir, state({
      amplifyApp: { id: 'd1abc', origin: 'created' },
      siteBucket: { id: SITE, origin: 'created' },
    }));
    amplify.on(GetAppCommand).resolves({ app: { appId: 'd1abc', tags: ours } as never });
    s3.on(HeadBucketCommand, { Bucket: SITE }).resolves({});
    const result = await teardown(ctx);
    expect(result.results.map((r) => [r.kind, r.status])).toEqual([['amplifyApp', 'deleted'], ['siteBucket', 'deleted']]);
    expect(amplify).toHaveReceivedCommandWith(DeleteAppCommand, { appId: 'd1abc' });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: SITE, Delete: { Objects: [{ Key: 'index.html' }, { Key: 'manifest.json' }], Quiet: true } });
    expect(s3).toHaveReceivedCommandWith(DeleteBucketCommand, { Bucket: SITE });
    expect(await readState(stateDir, 'default')).toBeUndefined();
  });

  it('keeps an app that lost the stack tag, and an adopted one', async () => {
    const { ctx, stateDir } = await mockAwsContext();
    await writeState(stateDir, state({ amplifyApp: { id: 'd1abc', origin: 'created' } }));
    amplify.on(GetAppCommand).resolves({ app: { appId: 'd1abc', tags: { team: 'x' } } as never });
    expect((await teardown(ctx)).results).toEqual([{ kind: 'amplifyApp', id: 'd1abc', status: 'kept', reason: 'no longer tagged thumbs:stack=default' }]);
    await writeState(stateDir, state({ amplifyApp: { id: 'd1abc', origin: 'adopted' } }));
    expect((await teardown(ctx)).results[0]).toMatchObject({ status: 'kept' });
    expect(amplify).not.toHaveReceivedCommand(DeleteAppCommand);
  });

  it('counts an app deleted elsewhere as done', async () => {
    const { ctx, stateDir } = await mockAwsContext();
    await writeState(stateDir, state({ amplifyApp: { id: 'd1abc', origin: 'created' } }));
    amplify.on(GetAppCommand).rejects(new NotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }));
    expect((await teardown(ctx)).results).toEqual([{ kind: 'amplifyApp', id: 'd1abc', status: 'absent' }]);
  });

  it('without a state file, finds the app by name and tag, never an untagged namesake', async () => {
    const { ctx } = await mockAwsContext();
    amplify.on(ListAppsCommand).resolves({ apps: [
      { appId: 'other', name: 'thumbs-default-gallery', tags: {} },
      { appId: 'd1abc', name: 'thumbs-default-gallery', tags: ours, appArn: 'arn:aws:amplify:us-east-1:123456789012:apps/d1abc' },
    ] as never });
    s3.on(HeadBucketCommand).rejects(new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: '' }));
    const stack = { stack: 'default', names: { amplifyApp: 'thumbs-default-gallery' } } as never;
    expect(await amplifyAppRemover.discover(ctx, stack)).toMatchObject({ id: 'd1abc', origin: 'created' });
  });

  it('does not fail a teardown when Amplify cannot be listed (lab accounts), and says so', async () => {
    const { ctx, reporter } = await mockAwsContext();
    amplify.on(ListAppsCommand).rejects(Object.assign(new Error('not authorized to perform: amplify:ListApps'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const stack = { stack: 'default', names: { amplifyApp: 'thumbs-default-gallery' } } as never;
    expect(await amplifyAppRemover.discover(ctx, stack)).toBeUndefined();
    expect(reporter.texts('warn')).toEqual([expect.stringContaining('could not list Amplify apps (AccessDeniedException)')]);
  });
});
