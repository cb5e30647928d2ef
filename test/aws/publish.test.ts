import {
  AmplifyClient,
  AmplifyServiceException,
  CreateAppCommand,
  CreateBranchCommand,
  CreateDeploymentCommand,
  GetAppCommand,
  GetBranchCommand,
  GetJobCommand,
  ListAppsCommand,
  NotFoundException,
  StartDeploymentCommand,
} from '@aws-sdk/client-amplify';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { feedAttributes } from '../../lambda/contract.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { publish } from '../../src/actions/publish.js';
import type { Settings } from '../../src/config/settings.js';
import { readState } from '../../src/state/state-file.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const amplify = mockClient(AmplifyClient);
const s3 = mockClient(S3Client);
const doc = mockClient(DynamoDBDocumentClient);
// The stack's record and lease (reserved items of its table): none here.
mockClient(DynamoDBClient);
const sts = mockClient(STSClient);
const ACCOUNT = '123456789012';
const SITE = `thumbs-default-site-${ACCOUNT}-us-east-1`;
const HOSTILE = '"><img src=x onerror=alert(1)>.jpg';
const denied = (name: string, message: string) =>
  new AmplifyServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 403 }, message });
const s3Denied = (message: string) => new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message });

/** Plays Amplify's zipUploadUrl: records every PUT body. */
const uploads: Array<{ url: string; type: string | undefined; body: Buffer }> = [];
const uploadServer = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    uploads.push({ url: req.url ?? '', type: req.headers['content-type'], body: Buffer.concat(chunks) });
    res.writeHead(req.method === 'PUT' ? 200 : 405).end();
  });
});
let uploadUrl = '';

function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, string>();
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
      }));
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

async function context(settings: Partial<Settings> = {}) {
  return mockAwsContext(settings);
}

beforeAll(async () => {
  await new Promise<void>((resolve) => uploadServer.listen(0, '127.0.0.1', resolve));
  uploadUrl = `http://127.0.0.1:${(uploadServer.address() as AddressInfo).port}/upload?X-Amz-Signature=abc`;
});
afterAll(() => new Promise<void>((resolve) => uploadServer.close(() => resolve())));

beforeEach(() => {
  for (const mock of [amplify, s3, doc, sts]) mock.reset();
  uploads.length = 0;
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  // The time index: each item in its (status, shard) partition, every other partition empty.
  const stored = [
    { imageKey: HOSTILE, status: 'done', processedAt: '2025-01-01T00:00:00.000Z', renditions: [{ name: '128', key: '128/x.webp', width: 128, height: 96 }] },
    { imageKey: 'bad.jpg', status: 'failed', error: 'unsupported <format>', processedAt: '2025-01-02T00:00:00.000Z' },
  ].map((item) => ({ ...item, ...feedAttributes(item) }));
  doc.on(QueryCommand).resolves({ Items: [] });
  for (const item of stored) doc.on(QueryCommand, { ExpressionAttributeValues: { ':f': item.feed } }).resolves({ Items: [item] });
  amplify.on(ListAppsCommand).resolves({ apps: [] });
  amplify.on(CreateAppCommand).resolves({ app: { appId: 'd1abc', appArn: 'arn:aws:amplify:us-east-1:123456789012:apps/d1abc', defaultDomain: 'd1abc.amplifyapp.com' } as never });
  amplify.on(GetBranchCommand).rejects(new NotFoundException({ message: 'no branch', $metadata: { httpStatusCode: 404 } }));
  amplify.on(CreateBranchCommand).resolves({});
  amplify.on(CreateDeploymentCommand).resolves({ jobId: '7', zipUploadUrl: uploadUrl });
  amplify.on(StartDeploymentCommand).resolves({});
  amplify.on(GetJobCommand)
    .resolvesOnce({ job: { summary: { status: 'RUNNING' } } as never })
    .resolves({ job: { summary: { status: 'SUCCEED' } } as never });
  s3.on(HeadBucketCommand).rejects(new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: '' }));
});

describe('publish to Amplify', () => {
  it('creates a tagged app and branch, uploads the zip to the returned URL, starts the deployment and waits for the job', async () => {
    const { ctx, stateDir } = await context();
    const result = await publish(ctx, { pollMs: 0 });
    expect(result).toMatchObject({ hosting: 'amplify', url: 'https://main.d1abc.amplifyapp.com', images: 2, denied: [] });
    expect(amplify).toHaveReceivedCommandWith(CreateAppCommand, { name: 'thumbs-default-gallery', platform: 'WEB', tags: { 'thumbs:stack': 'default', 'thumbs:managed-by': 'thumbs' } });
    expect(amplify).toHaveReceivedCommandWith(CreateBranchCommand, { appId: 'd1abc', branchName: 'main' });
    expect(amplify).toHaveReceivedCommandWith(StartDeploymentCommand, { appId: 'd1abc', branchName: 'main', jobId: '7' });
    expect(amplify).toHaveReceivedCommandTimes(GetJobCommand, 2);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ url: '/upload?X-Amz-Signature=abc', type: 'application/zip' });
    const files = await unzip(uploads[0]!.body);
    expect([...files.keys()].sort()).toEqual(['assets/gallery.css', 'assets/gallery.js', 'index.html', 'manifest.json']);
    const manifest = JSON.parse(files.get('manifest.json')!);
    expect(manifest.images.map((i: { key: string }) => i.key)).toEqual(['bad.jpg', HOSTILE]);
    expect(manifest.images[1].renditions[0].url).toContain('X-Amz-Expires=604800');
    expect(files.get('index.html')).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.jpg');
    expect(files.get('index.html')).not.toContain('<img src=x');
    expect((await readState(stateDir, 'default'))?.resources.amplifyApp).toMatchObject({ id: 'd1abc', origin: 'created' });
    expect(s3).not.toHaveReceivedCommand(CreateBucketCommand);
  });

  it('reuses the recorded app on the next publish', async () => {
    const { ctx } = await context();
    await publish(ctx, { pollMs: 0 });
    amplify.on(ListAppsCommand).resolves({ apps: [{ appId: 'd1abc', name: 'thumbs-default-gallery', tags: { 'thumbs:stack': 'default' }, defaultDomain: 'd1abc.amplifyapp.com' } as never] });
    amplify.on(GetAppCommand, { appId: 'd1abc' }).resolves({ app: { appId: 'd1abc', defaultDomain: 'd1abc.amplifyapp.com' } as never });
    amplify.on(GetBranchCommand).resolves({});
    const { ctx: again } = await context({ stateDir: ctx.settings.stateDir });
    await publish(again, { pollMs: 0 });
    expect(amplify).toHaveReceivedCommandWith(GetAppCommand, { appId: 'd1abc' });
    expect(amplify).toHaveReceivedCommandTimes(CreateAppCommand, 1);
    expect(amplify).toHaveReceivedCommandTimes(CreateDeploymentCommand, 2);
  });

  it('fails on a FAILED job, naming it', async () => {
    const { ctx } = await context();
    amplify.on(GetJobCommand).resolves({ job: { summary: { status: 'FAILED' } } as never });
    await expect(publish(ctx, { pollMs: 0 })).rejects.toMatchObject({ code: 'amplify-deploy-failed', message: expect.stringContaining('job 7') });
  });
});

describe('fallback to an S3 website when Amplify is denied', () => {
  beforeEach(() => {
    amplify.on(CreateAppCommand).rejects(denied('AccessDeniedException',
      'User: arn:aws:sts::123456789012:assumed-role/voclabs/x is not authorized to perform: amplify:CreateApp on resource: *'));
  });

  it('with --public: relaxes Block Public Access on the site bucket only, adds a public-read policy and website hosting', async () => {
    const { ctx, stateDir } = await context();
    const result = await publish(ctx, { public: true });
    expect(result).toMatchObject({
      hosting: 's3',
      url: `http://${SITE}.s3-website-us-east-1.amazonaws.com`,
      denied: [{ hosting: 'amplify', action: 'amplify:CreateApp' }],
    });
    expect(s3).toHaveReceivedCommandWith(CreateBucketCommand, { Bucket: SITE });
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {
      Bucket: SITE,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    });
    const relaxed = s3.commandCalls(PutPublicAccessBlockCommand).filter((c) => c.args[0].input.PublicAccessBlockConfiguration?.BlockPublicPolicy === false);
    expect(relaxed.map((c) => c.args[0].input.Bucket)).toEqual([SITE]);
    const policy = JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.Policy!);
    expect(policy.Statement).toEqual([{ Sid: 'PublicReadGallery', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${SITE}/*` }]);
    expect(s3).toHaveReceivedCommandWith(PutBucketWebsiteCommand, { Bucket: SITE, WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } } });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: SITE, Key: 'index.html', ContentType: 'text/html; charset=utf-8' });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: SITE, Key: 'manifest.json' });
    expect((await readState(stateDir, 'default'))?.resources.siteBucket).toMatchObject({ id: SITE, origin: 'created' });
  });

  it('without consent (--yes is not consent) creates no bucket and makes nothing public', async () => {
    const { ctx } = await context({ yes: true });
    await expect(publish(ctx, {})).rejects.toMatchObject({
      code: 'public-site-not-confirmed',
      exitCode: 2,
      message: expect.stringContaining('amplify:CreateApp'),
      hint: expect.stringContaining('thumbs gallery'),
    });
    expect(s3).not.toHaveReceivedCommand(CreateBucketCommand);
    expect(s3).not.toHaveReceivedCommand(PutPublicAccessBlockCommand);
    expect(s3).not.toHaveReceivedCommand(PutBucketPolicyCommand);
  });

  it('asks on a terminal, and a "no" leaves everything private', async () => {
    const { ctx } = await context({ yes: false });
    const questions: string[] = [];
    ctx.confirm = async (question) => {
      questions.push(question);
      return false;
    };
    await expect(publish(ctx, {})).rejects.toMatchObject({ code: 'public-site-not-confirmed' });
    expect(questions).toEqual([expect.stringContaining(`Block Public Access on the new bucket ${SITE}`)]);
    expect(s3).not.toHaveReceivedCommand(CreateBucketCommand);
  });

  it('when S3 refuses the public policy too, names both denied calls and points at thumbs gallery', async () => {
    const { ctx } = await context();
    s3.on(PutBucketPolicyCommand).rejects(s3Denied(
      `User: arn:aws:sts::123456789012:assumed-role/voclabs/x is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${SITE}" because public policies are blocked by the BlockPublicPolicy block public access setting.`));
    const error = await publish(ctx, { public: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'publish-denied' });
    expect((error as Error).message).toContain('Amplify refused amplify:CreateApp');
    expect((error as Error).message).toContain('S3 refused s3:PutBucketPolicy');
    expect((error as Error).message).toContain('BlockPublicPolicy');
    expect((error as { hint: string }).hint).toContain('`thumbs gallery` serves the same page locally');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });
});

describe('an endpoint without Amplify (LocalStack community)', () => {
  it('treats HTTP 501 like a refusal and moves on to the S3 website', async () => {
    const { ctx } = await context();
    amplify.on(ListAppsCommand).rejects(Object.assign(new Error('not implemented'), { name: 'InternalFailure', $metadata: { httpStatusCode: 501 } }));
    const result = await publish(ctx, { public: true });
    expect(result).toMatchObject({ hosting: 's3', denied: [{ hosting: 'amplify', action: 'amplify:ListApps', message: expect.stringContaining('501') }] });
  });
});

describe('publish options', () => {
  it('refuses Amplify and S3 on a backend without a control plane', async () => {
    const { ctx } = await context();
    ctx.capabilities = { ...ctx.capabilities, hasControlPlane: false };
    await expect(publish(ctx, { hosting: 'amplify' })).rejects.toMatchObject({ code: 'no-hosting-here', exitCode: 2 });
    expect(amplify.calls()).toHaveLength(0);
  });

  it('cuts the links to the credentials\' expiry and warns', async () => {
    const { ctx, reporter } = await context();
    const expiration = new Date(Date.now() + 2 * 3600 * 1000);
    ctx.clients.s3.config.credentials = async () => ({ accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiration });
    const result = await publish(ctx, { pollMs: 0 });
    expect(result.warnings[0]).toContain(`credentials expire at ${expiration.toISOString()}`);
    expect(reporter.texts('warn')[0]).toContain('publish again with fresh credentials');
    const manifest = JSON.parse((await unzip(uploads[0]!.body)).get('manifest.json')!);
    const seconds = Number(new URL(manifest.images[1].originalUrl).searchParams.get('X-Amz-Expires'));
    expect(seconds).toBeGreaterThan(2 * 3600 - 120);
    expect(seconds).toBeLessThanOrEqual(2 * 3600 - 60);
  });
});
