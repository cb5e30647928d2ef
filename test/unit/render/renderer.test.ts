import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyRender } from '../../../lambda/render-url.js';
import { findRenderer, signedRenderUrl } from '../../../src/render/renderer.js';
import { stackNames } from '../../../src/resources/names.js';
import type { OpenStack } from '../../../src/state/open-stack.js';
import type { ResourceRecord } from '../../../src/state/state-file.js';
import { awsError } from '../../helpers/fake-aws.js';
import { mockAwsContext } from '../../helpers/mock-context.js';

const ACCOUNT = '123456789012';
const names = stackNames('default', ACCOUNT, 'us-east-1');
const FUNCTION = 'thumbs-default-renamed';
const URL_OF_FUNCTION = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/';

function stackWith(resources: Record<string, ResourceRecord>): OpenStack {
  return { stack: 'default', account: ACCOUNT, region: 'us-east-1', names, hadState: true, store: { get: (kind: string) => resources[kind] } } as unknown as OpenStack;
}

describe('the stack\'s renderer on AWS (function URL + the record\'s key)', () => {
  const lambda = mockClient(LambdaClient);
  const dynamodb = mockClient(DynamoDBClient);
  afterEach(() => {
    lambda.reset();
    dynamodb.reset();
  });

  it('asks for the URL of the function the record names and reads the key from the stack\'s table', async () => {
    const { ctx } = await mockAwsContext();
    lambda.on(GetFunctionUrlConfigCommand).resolves({ FunctionUrl: URL_OF_FUNCTION, AuthType: 'NONE' });
    dynamodb.on(GetItemCommand).resolves({ Item: { secret_render: { S: 'the-stack-key' } } });
    const renderer = await findRenderer(ctx, stackWith({ function: { id: FUNCTION, origin: 'created' }, table: { id: names.table, origin: 'created' } }));
    expect(renderer).toEqual({ baseUrl: URL_OF_FUNCTION.slice(0, -1), secret: 'the-stack-key' });
    expect(lambda.commandCalls(GetFunctionUrlConfigCommand).map((call) => call.args[0].input)).toEqual([{ FunctionName: FUNCTION }]);
    expect(dynamodb.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({ TableName: names.table, ConsistentRead: true });
    const url = new URL(signedRenderUrl(renderer, 'trip/a b.jpg', { width: 780, fit: 'inside', format: 'webp' }, 2_000_000_000));
    expect(url.href.startsWith(`${URL_OF_FUNCTION}trip/a%20b.jpg?`)).toBe(true);
    expect(verifyRender('the-stack-key', url.pathname, url.search.slice(1), 0)).toMatchObject({ ok: true, key: 'trip/a b.jpg' });
  });

  it('says renderer-missing, pointing at provision, when the function has no URL or there is no function', async () => {
    const { ctx } = await mockAwsContext();
    lambda.on(GetFunctionUrlConfigCommand).rejects(awsError('ResourceNotFoundException', 404));
    dynamodb.on(GetItemCommand).resolves({ Item: { secret_render: { S: 'k' } } });
    await expect(findRenderer(ctx, stackWith({ function: { id: FUNCTION, origin: 'created' } }))).rejects.toMatchObject({
      code: 'renderer-missing', message: expect.stringContaining(`function ${FUNCTION} has no function URL`), hint: expect.stringContaining('thumbs provision'),
    });
    await expect(findRenderer(ctx, stackWith({}))).rejects.toMatchObject({ code: 'renderer-missing', message: expect.stringContaining('no function recorded') });
  });

  it('says render-secret-missing when the record holds no key yet', async () => {
    const { ctx } = await mockAwsContext();
    lambda.on(GetFunctionUrlConfigCommand).resolves({ FunctionUrl: URL_OF_FUNCTION });
    dynamodb.on(GetItemCommand).resolves({ Item: {} });
    await expect(findRenderer(ctx, stackWith({ function: { id: FUNCTION, origin: 'created' } }))).rejects.toMatchObject({ code: 'render-secret-missing', hint: expect.stringContaining('thumbs provision') });
  });

  it('lets other failures through (AccessDenied is not "missing")', async () => {
    const { ctx } = await mockAwsContext();
    lambda.on(GetFunctionUrlConfigCommand).rejects(awsError('AccessDeniedException', 403));
    dynamodb.on(GetItemCommand).resolves({ Item: { secret_render: { S: 'k' } } });
    await expect(findRenderer(ctx, stackWith({ function: { id: FUNCTION, origin: 'created' } }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
