import { readEntries } from '../../lambda/batch-complete.js';
import type { BatchRecord } from '../../lambda/contract.js';
import type { Context } from '../context.js';

export interface BatchSummary {
  id: string;
  source: string;
  startedAt: string;
  /** null while the run is still announcing images. */
  expected: number | null;
  done: number;
  failed: number;
  deadLettered: number;
  complete: boolean;
  completedAt: string | null;
  /** From start to completion; null while incomplete. */
  durationSeconds: number | null;
}

export interface BatchDetail extends BatchSummary {
  stack: string;
  /** s3:// URLs of the report, once complete. */
  report: { csv: string; json: string } | null;
  notifications: Record<string, string>;
  images: Array<{ key: string; status: string; renditions: number; bytes: number; error?: string; durationMs: number }>;
}

export function summarize(record: BatchRecord): BatchSummary {
  const duration = record.completedAt ? (Date.parse(record.completedAt) - Date.parse(record.startedAt)) / 1000 : null;
  return {
    id: record.batch,
    source: record.source,
    startedAt: record.startedAt,
    expected: record.expected ?? null,
    done: record.done ?? 0,
    failed: record.failed ?? 0,
    deadLettered: record.deadLettered ?? 0,
    complete: record.completedAt !== undefined,
    completedAt: record.completedAt ?? null,
    durationSeconds: duration,
  };
}

/**
 * One batch with every image it counted, as `thumbs batches <id>` shows it and `--wait` ends
 * with. `counted` entries are waited for: the time index they are read from is eventually consistent.
 */
export async function detailOf(ctx: Context, table: string, record: BatchRecord, counted = 0): Promise<BatchDetail> {
  const entries = await readEntries({ ddb: ctx.clients.doc, config: { table } }, record.batch, counted);
  const report = record.report;
  return {
    ...summarize(record),
    stack: record.stack,
    report: report ? { csv: `s3://${report.bucket}/${report.csv}`, json: `s3://${report.bucket}/${report.json}` } : null,
    notifications: record.notifications ?? {},
    images: entries.map((e) => ({ key: e.key, status: e.status, renditions: e.renditions, bytes: e.bytes, ...(e.error ? { error: e.error } : {}), durationMs: e.durationMs })),
  };
}
