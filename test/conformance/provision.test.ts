import { UpdateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import { PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect } from 'vitest';
import { conformanceFamily } from './family.js';
import { bucketExists, bucketTagsOf, encryptionOf, functionOf, functionStatementsOf, functionUrlOf, logGroupOf, mappingsFrom, publicAccessBlockOf, queueAttributesOf, queueUrlOf, roleOf, tableOf } from './verify.js';

const family = await conformanceFamily('provision/status/drift');
const { target, step } = family;
const stack = family.stack('prov');
/** moto returns no LoggingConfig for a function: until issue 15c, status calls that drift on every run. */

interface Status {
  healthy: boolean;
  rendererUrl?: string;
  resources: Array<{ kind: string; exists?: boolean; drift?: Array<{ attribute: string; from: string; to: string }> }>;
}

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

describe(`provision, status and drift (${target.label})`, () => {
  step('provision creates every resource of the stack', async () => {
    const run = await family.backend.cli(['provision', '--stack', stack]);
    expect(run.code, run.stderr).toBe(0);
    const names = family.names(stack);
    const { clients } = family.backend;
    for (const bucket of [names.originalsBucket, names.thumbnailsBucket]) {
      expect(await bucketExists(clients, bucket), bucket).toBe(true);
      if (target.has.has('bucket configuration')) {
        expect(await publicAccessBlockOf(clients, bucket)).toEqual(ALL_ON);
        expect(await encryptionOf(clients, bucket)).toBe('AES256');
      }
      if (target.has.has('resource tags')) expect(await bucketTagsOf(clients, bucket)).toMatchObject({ 'thumbs:stack': stack });
    }
    const table = await tableOf(clients, names.table);
    expect(table?.KeySchema).toEqual([{ AttributeName: 'imageKey', KeyType: 'HASH' }]);
    expect(table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST').toBe('PAY_PER_REQUEST');
    const queue = await queueAttributesOf(clients, names.queue);
    expect(queue.VisibilityTimeout).toBe('180');
    expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toMatchObject({ deadLetterTargetArn: expect.stringMatching(new RegExp(`:${names.deadLetterQueue}$`)), maxReceiveCount: 5 });
    expect(await queueUrlOf(clients, names.deadLetterQueue)).toBeDefined();
    if (target.has.has('IAM')) expect((await roleOf(clients, names.role))?.RoleName).toBe(names.role);
    if (target.has.has('Lambda')) {
      const fn = await functionOf(clients, names.function);
      expect(fn?.Role).toMatch(new RegExp(`/${names.role}$`));
      const mappings = await mappingsFrom(clients, names.queue);
      expect(mappings.map((m) => [m.FunctionArn?.split(':').pop(), m.BatchSize])).toEqual([[names.function, 10]]);
    }
    if (target.has.has('CloudWatch Logs')) expect((await logGroupOf(clients, names.logGroup))?.retentionInDays).toBe(14);
  }, { partly: ['bucket configuration', 'resource tags', 'IAM', 'Lambda', 'CloudWatch Logs'] });

  const expectHealthy = async () => {
    const { run, result } = await family.backend.json<Status>(['status', '--stack', stack]);
    const kinds = ['originalsBucket', 'thumbnailsBucket', 'table', 'queue', 'deadLetterQueue', ...(target.has.has('Lambda') ? ['role', 'logGroup', 'function', 'functionUrl', 'eventSourceMapping'] : [])];
    expect(result.resources.filter((r) => r.exists).map((r) => r.kind).sort()).toEqual(expect.arrayContaining(kinds.sort()));
    expect(result.resources.filter((r) => (r.drift ?? []).length > 0)).toEqual([]);
    expect(result.healthy).toBe(true);
    expect(run.code).toBe(0);
  };
  step('status reports the stack healthy (exit 0)', expectHealthy);

  step('the function has a public URL (AuthType NONE) with both invoke statements, and status --json gives it as rendererUrl', async () => {
    const { clients } = family.backend;
    const name = family.names(stack).function;
    const url = await functionUrlOf(clients, name);
    expect(url?.AuthType).toBe('NONE');
    expect(url?.FunctionUrl).toMatch(/^https:\/\//);
    const statements = await functionStatementsOf(clients, name);
    expect(statements.map((s) => [s.Sid, s.Action]).sort()).toEqual([['thumbs-function-url', 'lambda:InvokeFunctionUrl'], ['thumbs-function-url-invoke', 'lambda:InvokeFunction']]);
    const { result } = await family.backend.json<Status>(['status', '--stack', stack]);
    expect(result.rendererUrl).toBe(url?.FunctionUrl);
  }, { needs: ['Lambda'] });

  /** `status` exits 1 and prints the drift on the resource's row, as `attribute: live -> wanted`. */
  const expectDrift = async (kind: string, drift: RegExp) => {
    const run = await family.backend.cli(['status', '--stack', stack]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').find((line) => line.includes(` ${kind} `))).toMatch(drift);
  };

  step('Block Public Access turned off with the SDK is named by status (exit 1)', async () => {
    const off = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
    const bucket = family.names(stack).originalsBucket;
    await family.backend.clients.s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: off }));
    expect(await publicAccessBlockOf(family.backend.clients, bucket)).toEqual(off);
    await expectDrift('originalsBucket', /publicAccessBlock: off -> on/);
  }, { needs: ['bucket configuration'] });

  step('a visibility timeout changed with the SDK is named by status (exit 1)', async () => {
    const names = family.names(stack);
    const url = await queueUrlOf(family.backend.clients, names.queue);
    await family.backend.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '30' } }));
    expect((await queueAttributesOf(family.backend.clients, names.queue)).VisibilityTimeout).toBe('30');
    await expectDrift('queue', /visibilityTimeout: 30 -> 180/);
  });

  step("the function URL's CORS changed with the SDK is named by status (exit 1)", async () => {
    const name = family.names(stack).function;
    await family.backend.clients.lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, Cors: { AllowOrigins: ['https://example.org'], AllowMethods: ['GET'] } }));
    expect((await functionUrlOf(family.backend.clients, name))?.Cors?.AllowOrigins).toEqual(['https://example.org']);
    await expectDrift('functionUrl', /cors\.allowOrigins: https:\/\/example\.org -> \*/);
  }, { needs: ['Lambda'] });

  step('provision repairs the drift', async () => {
    const run = await family.backend.cli(['provision', '--stack', stack]);
    expect(run.code, run.stderr).toBe(0);
    const names = family.names(stack);
    if (target.has.has('bucket configuration')) expect(await publicAccessBlockOf(family.backend.clients, names.originalsBucket)).toEqual(ALL_ON);
    expect((await queueAttributesOf(family.backend.clients, names.queue)).VisibilityTimeout).toBe('180');
    if (target.has.has('Lambda')) expect((await functionUrlOf(family.backend.clients, names.function))?.Cors).toMatchObject({ AllowOrigins: ['*'] });
  }, { partly: ['bucket configuration', 'Lambda'] });

  step('status reports the repaired stack healthy (exit 0)', expectHealthy);

  step('a function attribute the endpoint does not report is not drift', async () => {
    const fn = await functionOf(family.backend.clients, family.names(stack).function);
    const { result } = await family.backend.json<Status>(['status', '--stack', stack]);
    const drift = result.resources.find((r) => r.kind === 'function')?.drift ?? [];
    expect(drift).toEqual([]);
    return fn?.LoggingConfig ? 'LoggingConfig reported' : 'LoggingConfig not reported by this endpoint';
  }, { needs: ['Lambda'] });
});
