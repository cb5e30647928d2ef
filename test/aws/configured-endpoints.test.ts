import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configuredEndpoints } from '../../src/aws/configured-endpoints.js';
import { resolveSettings } from '../../src/config/settings.js';
import { createContext, resolveTarget } from '../../src/context.js';
import { MemoryReporter } from '../../src/output/reporter.js';
import { openStack } from '../../src/state/open-stack.js';

const NO_FILES = { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' };

async function configFile(text: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'thumbs-awscfg-')), 'config');
  await writeFile(file, text);
  return file;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('endpoints configured the SDK way', () => {
  it('lets AWS_ENDPOINT_URL_<SERVICE> win over AWS_ENDPOINT_URL, service by service', async () => {
    const endpoints = await configuredEndpoints(undefined, { ...NO_FILES, AWS_ENDPOINT_URL: 'http://all:4566', AWS_ENDPOINT_URL_S3: 'http://s3only:9000', AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs:1' });
    expect(endpoints).toMatchObject({ s3: 'http://s3only:9000', sqs: 'http://all:4566', dynamodb: 'http://all:4566', sts: 'http://all:4566', logs: 'http://logs:1', tagging: 'http://all:4566' });
  });

  it('finds nothing for plain AWS, and nothing when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set', async () => {
    expect(await configuredEndpoints(undefined, NO_FILES)).toEqual({});
    expect(await configuredEndpoints(undefined, { ...NO_FILES, AWS_ENDPOINT_URL_S3: 'http://s3only:9000', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toEqual({});
  });

  it("reads the profile's endpoint_url and its services section, for the profile given", async () => {
    const file = await configFile([
      '[profile stack]',
      'endpoint_url = http://profile:4566',
      'services = local-s3',
      '[services local-s3]',
      's3 =',
      '  endpoint_url = http://minio:9000',
      '[profile ignoring]',
      'endpoint_url = http://profile:4566',
      'ignore_configured_endpoint_urls = true',
      '',
    ].join('\n'));
    vi.stubEnv('AWS_CONFIG_FILE', file);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
    expect(await configuredEndpoints('stack', {})).toMatchObject({ s3: 'http://minio:9000', sqs: 'http://profile:4566', iam: 'http://profile:4566' });
    expect(await configuredEndpoints('ignoring', {})).toEqual({});
    expect(await configuredEndpoints(undefined, {})).toEqual({});
  });

  it('names the variable to fix when a configured endpoint is not a URL', async () => {
    await expect(configuredEndpoints(undefined, { ...NO_FILES, AWS_ENDPOINT_URL_SQS: 'localhost:4566' })).rejects.toMatchObject({ code: 'bad-endpoint', hint: expect.stringMatching(/AWS_ENDPOINT_URL_SQS/) });
  });
});

describe('custom-endpoint behaviour, decided per service', () => {
  it('with only AWS_ENDPOINT_URL_S3: path-style S3 at that endpoint, every other service at AWS', async () => {
    const paths: string[] = [];
    const server = http.createServer((request, response) => {
      paths.push(`${request.headers.host ?? ''} ${request.method ?? ''} ${request.url ?? ''}`);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const s3Endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const settings = resolveSettings({}, {});
      const target = await resolveTarget({ ...settings, region: 'eu-west-1' }, { ...NO_FILES, AWS_ENDPOINT_URL_S3: s3Endpoint });
      expect(target).toMatchObject({ backend: 'endpoint', endpoints: { s3: s3Endpoint } });
      expect(target.endpoints?.sts).toBeUndefined();
      const ctx = await createContext(settings, { ...target, credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' } }, new MemoryReporter(), async () => true);
      expect(ctx.clients.s3.config.forcePathStyle).toBe(true);
      await ctx.clients.s3.send(new HeadBucketCommand({ Bucket: 'my-originals' }));
      expect(paths).toEqual([`127.0.0.1:${(server.address() as AddressInfo).port} HEAD /my-originals/`]);
      // STS still goes to AWS (mocked here): the account comes from the real identity service.
      const sts = mockClient(STSClient);
      sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
      // DynamoDB goes to AWS too (mocked here): the stack's record, none yet.
      const dynamodb = mockClient(DynamoDBClient);
      const stack = await openStack(ctx, { persist: false });
      dynamodb.restore();
      expect(stack.account).toBe('123456789012');
      expect(await ctx.clients.sts.config.endpoint?.()).toBeUndefined();
      sts.restore();
      ctx.clients.destroy();
    } finally {
      server.close();
    }
  });

  it('with nothing configured: AWS, virtual-hosted S3', async () => {
    const target = await resolveTarget({ ...resolveSettings({}, {}), region: 'eu-west-1' }, NO_FILES);
    expect(target).toMatchObject({ backend: 'aws', endpoints: undefined });
    const ctx = await createContext(resolveSettings({}, {}), { ...target, credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' } }, new MemoryReporter(), async () => true);
    expect(ctx.clients.s3.config.forcePathStyle).toBe(false);
    ctx.clients.destroy();
  });
});
