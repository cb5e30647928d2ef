import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from './config.js';
import type { ThumbsConfig } from './config.js';
import { isReservedKey } from './contract.js';
import { parseEvent } from './events.js';
import type { Job } from './events.js';
import { jsonLogger } from './log.js';
import type { Logger } from './log.js';
import { mapLimit } from './pool.js';
import { processJob } from './process-job.js';
import type { BatchConfig } from './batch-config.js';
import { loadBatchConfig } from './batch-config.js';
import { countIfLastReceive } from './batch-hooks.js';
import { createUrlEntry, isUrlEvent } from './render-entry.js';
import type { UrlEvent, UrlResponse } from './render-http.js';

export interface HandlerDeps {
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
  config: ThumbsConfig;
  /** Batch counting and notification (batch-config.ts); absent: images are recorded uncounted. */
  batches?: BatchConfig;
  /** Default: JSON lines on stdout/stderr. */
  log?: Logger;
}

/** SQS partial batch response (requires ReportBatchItemFailures on the event source mapping). */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export type ThumbsHandler = (event: unknown) => Promise<BatchResponse>;

/**
 * Builds the handler around injected clients. One record never fails the batch: permanent failures
 * are recorded and acknowledged, transient ones are returned as batch item failures.
 */
export function createHandler(deps: HandlerDeps): ThumbsHandler {
  const log = deps.log ?? jsonLogger;
  return async (event) => {
    const parsed = parseEvent(event);
    const failures = new Set<string>();
    for (const { messageId, reason } of parsed.malformed) {
      log('error', { msg: 'malformed message', messageId, reason });
      failures.add(messageId);
    }
    for (const skipped of parsed.ignored) log('info', { msg: 'ignored', ...skipped });
    // An object named like the stack's own record must not overwrite it: acknowledged, never processed.
    const jobs = parsed.jobs.filter((job) => !isReservedKey(job.key));
    for (const job of parsed.jobs.filter((j) => isReservedKey(j.key))) log('warn', { msg: 'ignored', ...describe(job), reason: 'reserved key' });

    const outcomes = await mapLimit(jobs, deps.config.concurrency, async (job) => {
      const outcome = await processJob({ ...deps, log }, job);
      if (outcome.status === 'retry') await countLastReceive(job, outcome.reason, outcome.ms);
      // `error` names why a record failed or will be retried, so a reader need not know which statuses carry a reason.
      const error = outcome.status === 'failed' || outcome.status === 'retry' ? { error: outcome.reason } : {};
      log(outcome.status === 'retry' ? 'warn' : 'info', { msg: 'record', ...describe(job), ...outcome, ...error });
      return { job, outcome };
    });
    const retry = outcomes.filter(({ outcome }) => outcome.status === 'retry');
    for (const { job } of retry) if (job.messageId) failures.add(job.messageId);

    // A direct S3 invocation has no partial response; throwing makes Lambda retry it (done records are skipped).
    if (parsed.source === 's3' && retry.length > 0) {
      throw new Error(`${retry.length} of ${jobs.length} records failed transiently; see the record log lines`);
    }
    return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
  };

  /** Counting a dead-lettered image must not change the message's fate: it is logged and the message still fails. */
  async function countLastReceive(job: Job, reason: string | undefined, ms: number) {
    try {
      await countIfLastReceive({ ...deps, log }, job, reason, ms);
    } catch (err) {
      log('warn', { msg: 'batch count failed', ...describe(job), error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function describe(job: Job): Record<string, unknown> {
  return { messageId: job.messageId, bucket: job.bucket, key: job.key, etag: job.etag, ...(job.run ? { run: job.run } : {}) };
}

/**
 * Clients from the environment. A custom endpoint (LocalStack, emulators) may be one for all services
 * (AWS_ENDPOINT_URL) or one per service (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB, as the SDK names
 * them), and needs path-style S3 URLs.
 */
export function createDepsFromEnv(env: Record<string, string | undefined> = process.env): HandlerDeps {
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const dynamoEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined;
  const s3 = new S3Client({ ...(s3Endpoint ? { endpoint: s3Endpoint } : {}), forcePathStyle: Boolean(s3Endpoint) });
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(dynamoEndpoint ? { endpoint: dynamoEndpoint } : {}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { s3, ddb, config: loadConfig(env), batches: loadBatchConfig(env) };
}

let lambdaHandler: ThumbsHandler | undefined;
let urlHandler: ((event: UrlEvent) => Promise<UrlResponse>) | undefined;

function coldStart(): ThumbsHandler {
  if (!lambdaHandler) {
    const deps = createDepsFromEnv();
    lambdaHandler = createHandler(deps);
    urlHandler = createUrlEntry({ ...deps, originalsBucket: process.env.THUMBS_ORIGINALS_BUCKET?.trim() || undefined, log: jsonLogger });
  }
  return lambdaHandler;
}

// In Lambda, build at init so a bad configuration fails the cold start with a clear message;
// elsewhere (tests, local worker importing createHandler) importing this module needs no environment.
if (process.env.AWS_LAMBDA_FUNCTION_NAME) coldStart();

/**
 * The Lambda entry point (`index.handler`), for both of the function's event sources: a function has
 * one Handler, so a function-URL request (requestContext.http) goes to the renderer and anything
 * else (SQS, S3) to the thumbnailer.
 */
export const handler = (event: unknown): Promise<BatchResponse | UrlResponse> => {
  coldStart();
  return isUrlEvent(event) ? urlHandler!(event) : lambdaHandler!(event);
};
