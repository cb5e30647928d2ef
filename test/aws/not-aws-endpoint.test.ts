import { ListAppsCommand } from '@aws-sdk/client-amplify';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctor } from '../../src/actions/doctor.js';
import { controlPlane } from '../../src/aws/control-plane.js';
import { endpointTarget } from '../../src/aws/target.js';
import { resolveSettings } from '../../src/config/settings.js';
import { createContext, type Context } from '../../src/context.js';
import { CHECKS } from '../../src/doctor/checks.js';
import { MemoryReporter } from '../../src/output/reporter.js';
import { asAction, PermissionDenied } from '../../src/publish/permission.js';
import { amplifyAppModule } from '../../src/resources/amplify-app.js';
import type { OpenStack } from '../../src/state/open-stack.js';

/** What `python3 -m http.server` answers: an HTML page for everything, 404 or 501 as it sees fit. */
let server: http.Server;
let endpoint: string;
let reporter: MemoryReporter;
let ctx: Context;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    response.writeHead(request.method === 'GET' || request.method === 'HEAD' ? 404 : 501, { 'content-type': 'text/html;charset=utf-8' });
    response.end('<!DOCTYPE HTML>\n<html><head><meta charset="utf-8"><title>Error response</title></head><body><h1>Error</h1></body></html>\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  reporter = new MemoryReporter();
  const target = { ...endpointTarget(endpoint, 'us-east-1', undefined), credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  ctx = await createContext({ ...resolveSettings({}, {}), endpointUrl: endpoint }, target, reporter, async () => true);
});

afterAll(() => {
  ctx.clients.destroy();
  server.close();
});

describe('an endpoint that is not AWS', () => {
  it.each([
    ['S3', () => ctx.clients.s3.send(new CreateBucketCommand({ Bucket: 'b' }))],
    ['DynamoDB', () => ctx.clients.dynamodb.send(new ListTablesCommand({}))],
    ['Amplify', () => controlPlane(ctx).amplify.send(new ListAppsCommand({}))],
  ])('%s: says the endpoint did not answer like AWS, naming the service, not an XML or JSON parse error', async (service, call) => {
    const error = await call().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'endpoint-not-aws', message: `the endpoint URL did not answer like AWS ${service} (it returned an HTML page): ${endpoint}` });
  });

  it('fails the doctor check of the endpoint', async () => {
    const report = await doctor(ctx, { nodeVersion: '22.13.0', checks: CHECKS.filter((c) => c.name === 'endpoint reachable') });
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ status: 'fail', detail: expect.stringContaining('did not answer like AWS (it returned an HTML page)') });
  });

  it('is, for publish, an Amplify that is not there: a refusal it can fall back from', async () => {
    const error = await asAction('amplify:ListApps', () => controlPlane(ctx).amplify.send(new ListAppsCommand({}))).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDenied);
    expect(error).toMatchObject({ action: 'amplify:ListApps' });
  });

  it('leaves teardown nothing to find in Amplify, without a warning', async () => {
    const stack = { stack: 'default', names: { amplifyApp: 'thumbs-default-gallery' } } as unknown as OpenStack;
    expect(await amplifyAppModule.discover(ctx, stack)).toBeUndefined();
    expect(reporter.texts('warn')).toEqual([]);
  });
});
