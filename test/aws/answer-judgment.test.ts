import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketTaggingCommand, HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { endpointTarget } from '../../src/aws/target.js';
import { createContext, type Context } from '../../src/context.js';
import { MemoryReporter } from '../../src/output/reporter.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

type Answer = (request: http.IncomingMessage, body: string) => { status: number; headers: Record<string, string>; body: string };

/** A server that answers every request as `answer` says: moto, LocalStack, a web server, a captive portal. */
async function serve(answer: Answer): Promise<{ url: string; close(): void }> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const out = answer(request, body);
      response.writeHead(out.status, out.headers);
      response.end(request.method === 'HEAD' ? undefined : out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const HTML = '<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body><form></form></body></html>';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const contexts: Context[] = [];
const servers: Array<{ close(): void }> = [];
async function contextAt(answer: Answer): Promise<Context> {
  const server = await serve(answer);
  servers.push(server);
  const target = { ...endpointTarget(server.url, 'us-east-1', undefined), credentials };
  const settings = { stack: 'judge', region: 'us-east-1', profile: undefined, endpointUrl: server.url, local: false, json: false, yes: true, verbose: false, quiet: true, stateDir: '/nonexistent' };
  const ctx = await createContext(settings, target, new MemoryReporter(), async () => true);
  contexts.push(ctx);
  return ctx;
}

const failureOf = (call: Promise<unknown>) => call.then(() => undefined, (error: unknown) => error);

afterEach(() => {
  for (const ctx of contexts.splice(0)) ctx.clients.destroy();
  for (const server of servers.splice(0)) server.close();
});

describe('an answer is judged as AWS means it', () => {
  it("moto's HeadBucket for a missing bucket (404, empty body, text/html, x-amzn-requestid) is S3 saying 'not found'", async () => {
    const ctx = await contextAt(() => ({ status: 404, headers: { 'content-type': 'text/html; charset=utf-8', 'x-amzn-requestid': 'r1' }, body: '' }));
    const error = await failureOf(ctx.clients.s3.send(new HeadBucketCommand({ Bucket: 'missing' })));
    expect(error).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  });

  it("LocalStack's XML error is S3's error, by its code", async () => {
    const ctx = await contextAt(() => ({
      status: 404,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'r2' },
      body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>missing</BucketName></Error>',
    }));
    const error = await failureOf(ctx.clients.s3.send(new GetBucketTaggingCommand({ Bucket: 'missing' })));
    expect(error).toMatchObject({ name: 'NoSuchBucket' });
  });

  it("a plain web server's HTML error page is not AWS, for S3's XML and DynamoDB's JSON alike", async () => {
    const ctx = await contextAt((request) => ({ status: request.method === 'GET' ? 404 : 501, headers: { 'content-type': 'text/html;charset=utf-8' }, body: HTML }));
    expect(await failureOf(ctx.clients.s3.send(new ListBucketsCommand({})))).toMatchObject({ code: 'endpoint-not-aws', service: 'S3' });
    expect(await failureOf(ctx.clients.dynamodb.send(new ListTablesCommand({})))).toMatchObject({ code: 'endpoint-not-aws', service: 'DynamoDB' });
  });

  it("a captive portal's 200 HTML login page is not AWS", async () => {
    const ctx = await contextAt(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: HTML }));
    expect(await failureOf(ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: 't' })))).toMatchObject({ code: 'endpoint-not-aws', service: 'DynamoDB' });
    expect(await failureOf(ctx.clients.sqs.send(new ListQueuesCommand({})))).toMatchObject({ code: 'endpoint-not-aws', service: 'SQS' });
    // S3's XML parser alone would read the page as a successful, empty listing.
    expect(await failureOf(ctx.clients.s3.send(new ListBucketsCommand({})))).toMatchObject({ code: 'endpoint-not-aws', service: 'S3' });
  });
});

describe('provision judges every endpoint before its first write', () => {
  let emb: EmbeddedHarness;
  beforeAll(async () => {
    emb = await startEmbedded();
  });
  afterAll(() => emb.stop());

  it('an S3 endpoint that is a web server stops provision before a table or queue is made elsewhere', async () => {
    // STS answers like AWS (so the account is known); S3 is a plain web server; SQS and DynamoDB are the embedded ones.
    const web = await serve((request, body): ReturnType<Answer> => body.includes('Action=GetCallerIdentity')
      ? { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'r3' }, body: '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/t</Arn><UserId>t</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>' }
      : { status: request.method === 'GET' || request.method === 'HEAD' ? 404 : 501, headers: { 'content-type': 'text/html' }, body: HTML });
    servers.push(web);
    const { endpoints } = emb.emulators;
    const target = { backend: 'endpoint' as const, region: 'us-east-1', profile: undefined, endpoints: { s3: web.url, other: web.url, sqs: endpoints.sqs, dynamodb: endpoints.dynamodb }, credentials };
    const ctx = await createContext({ ...emb.ctx.settings, local: false, stack: 'judged' }, target, new MemoryReporter(), async () => true);
    contexts.push(ctx);

    const error = await failureOf(provision(ctx, { function: false }));

    expect(error).toMatchObject({ code: 'endpoint-not-aws', service: 'S3' });
    // Read straight from the embedded emulators: nothing of the stack was written there.
    expect((await emb.ctx.clients.dynamodb.send(new ListTablesCommand({}))).TableNames ?? []).not.toContain('thumbs-judged-images');
    expect((await emb.ctx.clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'thumbs-judged' }))).QueueUrls ?? []).toEqual([]);
  });
});
