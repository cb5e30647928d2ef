import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lambda/config.js';
import { createUrlEntry, isUrlEvent } from '../../../lambda/render-entry.js';
import { silentLogger } from '../../../lambda/log.js';

const docMock = mockClient(DynamoDBDocumentClient);
afterEach(() => docMock.reset());

const entry = (originalsBucket: string | undefined) => createUrlEntry({
  s3: new S3Client({ region: 'us-east-1' }),
  ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  config: loadConfig({ THUMBS_THUMBNAILS_BUCKET: 'thumbs', THUMBS_TABLE: 'images' }),
  originalsBucket,
  log: silentLogger,
});
const request = { rawPath: '/a.jpg', rawQueryString: 'width=100&fit=inside&format=webp&expires=9999999999&signature=x', requestContext: { http: { method: 'GET' } } };

describe('the function-URL entry', () => {
  it('tells a function-URL event from SQS and S3 events', () => {
    expect(isUrlEvent(request)).toBe(true);
    expect(isUrlEvent({ Records: [{ eventSource: 'aws:sqs' }] })).toBe(false);
    expect(isUrlEvent({ requestContext: {} })).toBe(false);
    expect(isUrlEvent(undefined)).toBe(false);
  });

  it('reads the key from the stack record once; without one it answers 503 and looks again on the next request', async () => {
    docMock.on(GetCommand).resolvesOnce({}).resolves({ Item: { imageKey: '#thumbs/record', secret_render: 'key' } });
    const handler = entry('originals');
    expect((await handler(request)).statusCode).toBe(503);
    // With the key: the signature is checked (a wrong one is 403), and the key is not read again.
    expect((await handler(request)).statusCode).toBe(403);
    expect((await handler(request)).statusCode).toBe(403);
    expect(docMock.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual(Array(2).fill({
      TableName: 'images', Key: { imageKey: '#thumbs/record' }, ProjectionExpression: '#secret', ExpressionAttributeNames: { '#secret': 'secret_render' },
    }));
  });

  it('answers 503 without the originals bucket, saying nothing of why to the caller', async () => {
    docMock.on(GetCommand).resolves({ Item: { secret_render: 'key' } });
    const answer = await entry(undefined)(request);
    expect([answer.statusCode, answer.body]).toEqual([503, 'renderer unavailable\n']);
  });
});
