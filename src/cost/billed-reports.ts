import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { cloudWatchEvents } from '../logs/cloudwatch-source.js';

/** What Lambda billed, summed from its REPORT lines. */
export interface BilledReports {
  invocations: number;
  billedMs: number;
  gbSeconds: number;
}

/**
 * One REPORT line's billed duration and memory: Lambda's JSON log format writes a platform.report
 * record (record.metrics.billedDurationMs, memorySizeMB), the text format a line
 * `REPORT RequestId: … Billed Duration: 123 ms Memory Size: 1024 MB …`
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html).
 */
export function parseReport(text: string): { billedMs: number; memoryMb: number } | undefined {
  const billed = /"billedDurationMs"\s*:\s*(\d+(?:\.\d+)?)/.exec(text) ?? /Billed Duration:\s*(\d+(?:\.\d+)?)\s*ms/.exec(text);
  const memory = /"memorySizeMB"\s*:\s*(\d+)/.exec(text) ?? /Memory Size:\s*(\d+)\s*MB/.exec(text);
  if (!billed || !memory) return undefined;
  return { billedMs: Number(billed[1]), memoryMb: Number(memory[1]) };
}

/** The function's REPORT lines since a time; zero invocations when there are none. */
export async function billedReports(logs: CloudWatchLogsClient, logGroup: string, since: number): Promise<BilledReports> {
  const total: BilledReports = { invocations: 0, billedMs: 0, gbSeconds: 0 };
  const events = cloudWatchEvents(logs, logGroup, { since, anyOf: ['platform.report', 'REPORT RequestId'] }, { follow: false });
  for await (const event of events) {
    const report = parseReport(event.text);
    if (!report) continue;
    total.invocations += 1;
    total.billedMs += report.billedMs;
    total.gbSeconds += (report.billedMs / 1000) * (report.memoryMb / 1024);
  }
  return total;
}
