import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import type { Context } from '../context.js';
import { isEndpointNotAws } from './not-aws.js';
import { endpointOf, type ServiceName } from './target.js';

/** A read with a body for each data-side service: a HEAD (HeadBucket) has none, so it cannot tell a web server from S3. */
const PROBES: Partial<Record<ServiceName, (ctx: Context) => Promise<unknown>>> = {
  s3: (ctx) => ctx.clients.s3.send(new ListBucketsCommand({ MaxBuckets: 1 })),
  sqs: (ctx) => ctx.clients.sqs.send(new ListQueuesCommand({ MaxResults: 1 })),
  dynamodb: (ctx) => ctx.clients.dynamodb.send(new ListTablesCommand({ Limit: 1 })),
};

/** An answer in AWS's format, even a refusal, proves the endpoint speaks AWS; anything else stops the command. */
function answeredLikeAws(error: unknown): boolean {
  return !isEndpointNotAws(error) && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined;
}

/**
 * One read per distinct custom endpoint, all at once, before provision writes anything: a wrong
 * endpoint (a web server, a silent port) is found before it can leave half a stack. The control
 * plane shares --endpoint-url with these; AWS itself and the embedded backend need no proof.
 */
export async function assertSpeaksAws(ctx: Context): Promise<void> {
  if (ctx.target.backend !== 'endpoint') return;
  const byEndpoint = new Map<string, ServiceName>();
  for (const service of Object.keys(PROBES) as ServiceName[]) {
    const endpoint = endpointOf(ctx.target, service);
    if (endpoint && !byEndpoint.has(endpoint)) byEndpoint.set(endpoint, service);
  }
  await Promise.all([...byEndpoint.values()].map(async (service) => {
    try {
      await PROBES[service]?.(ctx);
    } catch (error) {
      if (!answeredLikeAws(error)) throw error;
    }
  }));
}
