import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AddPermissionCommand, CreateFunctionUrlConfigCommand, DeleteFunctionCommand, DeleteFunctionUrlConfigCommand, RemovePermissionCommand, UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { provision, type ProvisionOptions } from '../../src/actions/provision.js';
import { status } from '../../src/actions/status.js';
import { teardown } from '../../src/actions/teardown.js';
import { awsError, FakeAws } from '../helpers/fake-aws.js';
import { fakePackage } from '../helpers/fake-package.js';
import { mockAwsContext } from '../helpers/mock-context.js';

let fake: FakeAws;
afterEach(() => fake?.reset());

async function setup() {
  fake = new FakeAws();
  const { ctx, stateDir } = await mockAwsContext();
  const options: ProvisionOptions = { buildPackage: await fakePackage('sha-v1'), sleep: async () => undefined };
  return { ctx, stateDir, options };
}

const fnName = 'thumbs-default-thumbnailer';
const URL = `https://${fnName}.lambda-url.us-east-1.on.aws/`;
const CORS = { AllowOrigins: ['*'], AllowMethods: ['GET', 'HEAD'] };
const PUBLIC_URL = { FunctionName: fnName, StatementId: 'thumbs-function-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' };
const INVOKE_VIA_URL = { FunctionName: fnName, StatementId: 'thumbs-function-url-invoke', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true };
const urlCommands = () => fake.commands('lambda').filter((c) => /Url|Permission/.test(c) && !/^Get/.test(c));
const resetHistory = () => Object.values(fake.mocks).forEach((mock) => mock.resetHistory());

describe('the renderer function URL on AWS (mocked)', () => {
  it('cold provision: creates the URL (AuthType NONE, GET from anywhere), both public statements, the signing key, and records the URL', async () => {
    const { ctx, stateDir, options } = await setup();
    const result = await provision(ctx, options);
    expect(urlCommands()).toEqual(['CreateFunctionUrlConfig', 'AddPermission', 'AddPermission']);
    expect(fake.mocks.lambda.commandCalls(CreateFunctionUrlConfigCommand).map((c) => c.args[0].input)).toEqual([{ FunctionName: fnName, AuthType: 'NONE', Cors: CORS }]);
    expect(fake.mocks.lambda.commandCalls(AddPermissionCommand).map((c) => c.args[0].input)).toEqual([PUBLIC_URL, INVOKE_VIA_URL]);
    // The key goes into the stack's record in its table (if_not_exists), never into the function's environment.
    const secretWrites = fake.mocks.dynamodb.commandCalls(UpdateItemCommand).filter((c) => c.args[0].input.ExpressionAttributeNames?.['#secret'] === 'secret_render');
    expect(secretWrites).toHaveLength(1);
    expect(secretWrites[0]?.args[0].input).toMatchObject({ TableName: 'thumbs-default-images', UpdateExpression: 'SET #secret = if_not_exists(#secret, :value)' });
    expect(JSON.stringify(fake.functions.get(fnName)?.config.Environment)).not.toMatch(/SECRET|secret/);
    expect(result.resources.find((r) => r.kind === 'functionUrl')).toMatchObject({ status: 'created', id: fnName, note: URL });
    expect(result.rendererUrl).toBe(URL);
    const state = JSON.parse(await readFile(path.join(stateDir, 'default.json'), 'utf8')) as { resources: Record<string, { extra?: Record<string, string> }> };
    expect(state.resources.functionUrl?.extra?.url).toBe(URL);
  });

  it('a second provision sends no create and no permission; status reports the URL, healthy', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    resetHistory();
    const again = await provision(ctx, options);
    expect(urlCommands()).toEqual([]);
    expect(again.resources.find((r) => r.kind === 'functionUrl')?.status).toBe('unchanged');
    const report = await status(ctx);
    expect(report.rendererUrl).toBe(URL);
    expect(report.resources.find((r) => r.kind === 'functionUrl')).toMatchObject({ exists: true, ownership: 'owned', drift: [] });
  });

  it('repairs drift: CORS changed and a statement removed -> one UpdateFunctionUrlConfig and one AddPermission', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    Object.assign(fake.functionUrls.get(fnName)!, { Cors: { AllowOrigins: ['https://example.org'], AllowMethods: ['GET'] } });
    fake.permissions.get(fnName)!.delete('thumbs-function-url-invoke');
    const report = await status(ctx);
    expect(report.resources.find((r) => r.kind === 'functionUrl')?.drift?.map((d) => d.attribute)).toEqual(['cors.allowOrigins', 'cors.allowMethods', 'permission.thumbs-function-url-invoke']);
    resetHistory();
    const repaired = await provision(ctx, options);
    expect(urlCommands()).toEqual(['UpdateFunctionUrlConfig', 'AddPermission']);
    expect(fake.mocks.lambda.commandCalls(UpdateFunctionUrlConfigCommand)[0]?.args[0].input).toEqual({ FunctionName: fnName, AuthType: 'NONE', Cors: CORS });
    expect(fake.mocks.lambda.commandCalls(AddPermissionCommand)[0]?.args[0].input).toEqual(INVOKE_VIA_URL);
    expect(repaired.resources.find((r) => r.kind === 'functionUrl')?.status).toBe('updated');
    expect(fake.functionUrls.get(fnName)?.Cors).toEqual(CORS);
    expect([...fake.permissions.get(fnName)!.keys()].sort()).toEqual(['thumbs-function-url', 'thumbs-function-url-invoke']);
  });

  it('a URL deleted by hand is made again; its statements left behind count as present, an update in progress does not', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    fake.functionUrls.delete(fnName);
    resetHistory();
    const again = await provision(ctx, options);
    expect(urlCommands()).toEqual(['CreateFunctionUrlConfig', 'AddPermission', 'AddPermission']);
    expect(again.resources.find((r) => r.kind === 'functionUrl')?.status).toBe('created');
    fake.functionUrls.delete(fnName);
    fake.mocks.lambda.on(AddPermissionCommand).rejects(awsError('ResourceConflictException', 409, 'The operation cannot be performed at this time. An update is in progress for resource'));
    await expect(provision(ctx, options)).rejects.toThrow(/update is in progress/);
  });

  it('keeps a URL switched to AWS_IAM (behind CloudFront) as it is, statements included', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    fake.functionUrls.get(fnName)!.AuthType = 'AWS_IAM';
    fake.permissions.get(fnName)!.clear();
    resetHistory();
    const again = await provision(ctx, options);
    expect(urlCommands()).toEqual([]);
    expect(again.resources.find((r) => r.kind === 'functionUrl')?.status).toBe('unchanged');
  });

  it('dry run plans the URL and writes nothing; --no-function makes none', async () => {
    const { ctx, options } = await setup();
    const plan = await provision(ctx, { ...options, dryRun: true });
    expect(plan.resources.find((r) => r.kind === 'functionUrl')).toMatchObject({ status: 'planned', note: expect.stringMatching(/AuthType NONE/) });
    expect(urlCommands()).toEqual([]);
    const dataOnly = await provision(ctx, { ...options, function: false });
    expect(dataOnly.resources.map((r) => r.kind)).not.toContain('functionUrl');
    expect(urlCommands()).toEqual([]);
    expect(dataOnly.rendererUrl).toBeUndefined();
  });

  it('teardown deletes the URL and its statements before the function', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    resetHistory();
    fake.calls.length = 0;
    const down = await teardown(ctx);
    expect(down.results.find((r) => r.kind === 'functionUrl')).toMatchObject({ id: fnName, status: 'deleted' });
    expect(fake.mocks.lambda.commandCalls(DeleteFunctionUrlConfigCommand).map((c) => c.args[0].input)).toEqual([{ FunctionName: fnName }]);
    expect(fake.mocks.lambda.commandCalls(RemovePermissionCommand).map((c) => c.args[0].input)).toEqual([
      { FunctionName: fnName, StatementId: 'thumbs-function-url' }, { FunctionName: fnName, StatementId: 'thumbs-function-url-invoke' },
    ]);
    const at = (command: string) => fake.calls.find((c) => c.command === command) ?? expect.fail(`no ${command}`);
    expect(at('RemovePermission').endMs).toBeLessThanOrEqual(at('DeleteFunction').startMs);
    expect(fake.mocks.lambda).toHaveReceivedCommandTimes(DeleteFunctionCommand, 1);
    expect(fake.functionUrls.size + fake.permissions.size).toBe(0);
  });
});
