import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { billedReports, parseReport } from '../../../src/cost/billed-reports.js';

const jsonReport = (billed: number, memory: number) =>
  JSON.stringify({ time: '2026-12-07T22:00:00.000Z', type: 'platform.report', record: { requestId: 'r', metrics: { durationMs: billed - 0.4, billedDurationMs: billed, memorySizeMB: memory, maxMemoryUsedMB: 300 }, status: 'success' } });

describe('REPORT lines', () => {
  it('reads the billed duration and memory of the JSON and the text format', () => {
    expect(parseReport(jsonReport(1235, 1024))).toEqual({ billedMs: 1235, memoryMb: 1024 });
    expect(parseReport('REPORT RequestId: 1f2e Duration: 1234.51 ms\tBilled Duration: 1235 ms\tMemory Size: 2048 MB\tMax Memory Used: 301 MB')).toEqual({ billedMs: 1235, memoryMb: 2048 });
    expect(parseReport('{"level":"info","msg":"record"}')).toBeUndefined();
  });

  it('sums billed GB-seconds over every page of the log group since the time given', async () => {
    const logs = mockClient(CloudWatchLogsClient);
    logs.on(FilterLogEventsCommand)
      .resolvesOnce({ events: [{ eventId: '1', timestamp: 1, message: jsonReport(1000, 1024) }], nextToken: 't' })
      .resolvesOnce({ events: [{ eventId: '2', timestamp: 2, message: jsonReport(500, 2048) }, { eventId: '3', timestamp: 3, message: 'START RequestId: x' }] });
    const total = await billedReports(new CloudWatchLogsClient({ region: 'us-east-1' }), '/aws/lambda/thumbs-default-thumbnailer', 1234);
    // 1 s x 1 GB + 0.5 s x 2 GB
    expect(total).toEqual({ invocations: 2, billedMs: 1500, gbSeconds: 2 });
    const sent = logs.commandCalls(FilterLogEventsCommand).map((call) => call.args[0].input);
    expect(sent[0]).toMatchObject({ logGroupName: '/aws/lambda/thumbs-default-thumbnailer', startTime: 1234, filterPattern: '?"platform.report" ?"REPORT RequestId"' });
    expect(sent[1]).toMatchObject({ nextToken: 't' });
    logs.restore();
  });
});
