import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { actualCost } from '../../src/actions/cost.js';
import { awsError } from '../helpers/fake-aws.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const doc = mockClient(DynamoDBDocumentClient);
const sts = mockClient(STSClient);
const logs = mockClient(CloudWatchLogsClient);
// The stack's record (a reserved item of its table): none here.
mockClient(DynamoDBClient);
const item = (key: string) => ({ imageKey: key, status: 'done', processedAt: new Date().toISOString(), durationMs: 4000, bytes: 1000, renditions: [{ bytes: 100 }] });
const report = (billed: number) => JSON.stringify({ type: 'platform.report', record: { metrics: { billedDurationMs: billed, memorySizeMB: 1024 } } });

beforeEach(() => {
  doc.reset();
  sts.reset();
  logs.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  doc.on(ScanCommand).resolves({ Items: [] });
  doc.on(ScanCommand, { Segment: 0 }).resolves({ Items: [item('a.jpg'), item('b.jpg')] });
});

describe('thumbs cost on AWS', () => {
  it('bills the function by its REPORT lines, read from the stack\'s log group since --since', async () => {
    const { ctx } = await mockAwsContext();
    logs.on(FilterLogEventsCommand).resolves({ events: [{ eventId: '1', timestamp: 5, message: report(700) }] });
    const since = Date.now() - 60_000;
    const result = await actualCost(ctx, { since });
    expect(result.images).toBe(2);
    expect(result.timeSource).toBe('report-lines');
    expect(result.invocations).toBe(1);
    // 0.7 s x 1 GB and one request, not the items' 2 x 4,000 ms.
    expect(result.total.lambda).toBeCloseTo(0.7 * 0.0000166667 + 0.0000002, 15);
    expect(result.msPerImage).toBe(350);
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, { logGroupName: '/aws/lambda/thumbs-default-thumbnailer', startTime: since });
  });

  it('falls back to the items\' recorded times, with a warning, when the REPORT lines cannot be read', async () => {
    const { ctx, reporter } = await mockAwsContext();
    logs.on(FilterLogEventsCommand).rejects(awsError('AccessDeniedException', 400));
    const result = await actualCost(ctx);
    expect(result.timeSource).toBe('item-times');
    expect(reporter.texts('warn').join('\n')).toMatch(/could not read the function's REPORT lines \(AccessDeniedException\)/);
    // 2 x 4,000 ms / 4 records at a time = 2 s x 1 GB, one invocation.
    expect(result.total.lambda).toBeCloseTo(2 * 0.0000166667 + 0.0000002, 15);
  });
});
