import type { S3Client } from '@aws-sdk/client-s3';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ThumbsConfig } from './config.js';
import { RENDER_SECRET_NAME, secretAttribute, STACK_RECORD_KEY } from './contract.js';
import type { Logger } from './log.js';
import { createRenderHandler, type UrlEvent, type UrlResponse } from './render-http.js';

/**
 * The deployed function's function-URL entry: the renderer (render-http.ts) with the function's own
 * clients and settings. A Lambda function has one Handler, so handler.ts routes each event here or
 * to the SQS path by its shape.
 */

export interface UrlEntryDeps {
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
  config: ThumbsConfig;
  /** THUMBS_ORIGINALS_BUCKET: the bucket the renderer reads originals from. */
  originalsBucket: string | undefined;
  log: Logger;
}

/** A function-URL (or API Gateway HTTP API) event, payload format 2.0, as opposed to SQS or S3 records. */
export function isUrlEvent(event: unknown): event is UrlEvent {
  const http = (event as UrlEvent | undefined)?.requestContext?.http;
  return typeof http === 'object' && http !== null;
}

/** The reason goes to the log, not to the public answer. */
const UNAVAILABLE: UrlResponse = {
  statusCode: 503,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '30' },
  body: 'renderer unavailable\n',
  isBase64Encoded: false,
};

/**
 * The signing key is read from the stack's record at the first request, not given as an environment
 * variable: the function's environment is recorded in the state file and shown by status's drift
 * lines, and the key must stay out of both; the role already may GetItem on the table. A key not
 * there yet (provision makes it) is looked for again on the next request.
 */
export function createUrlEntry(deps: UrlEntryDeps): (event: UrlEvent) => Promise<UrlResponse> {
  let render: Promise<((event: UrlEvent) => Promise<UrlResponse>) | undefined> | undefined;
  const build = async () => {
    const attribute = secretAttribute(RENDER_SECRET_NAME);
    const answer = await deps.ddb.send(new GetCommand({
      TableName: deps.config.table, Key: { imageKey: STACK_RECORD_KEY }, ProjectionExpression: '#secret', ExpressionAttributeNames: { '#secret': attribute },
    }));
    const secret = answer.Item?.[attribute] as string | undefined;
    if (!secret || !deps.originalsBucket) return undefined;
    return createRenderHandler({
      s3: deps.s3, originalsBucket: deps.originalsBucket, thumbnailsBucket: deps.config.thumbnailsBucket, secret,
      quality: deps.config.quality, maxPixels: deps.config.maxPixels, maxBytes: deps.config.maxBytes,
    });
  };
  return async (event) => {
    render ??= build();
    let handler: Awaited<typeof render>;
    try {
      handler = await render;
    } catch (error) {
      render = undefined;
      throw error;
    }
    if (!handler) {
      render = undefined;
      const why = deps.originalsBucket ? 'no URL signing key in the stack record yet' : 'THUMBS_ORIGINALS_BUCKET is not set';
      deps.log('error', { msg: 'renderer unavailable', reason: why });
      return UNAVAILABLE;
    }
    return handler(event);
  };
}
