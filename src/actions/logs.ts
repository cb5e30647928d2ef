import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { stackLogPath } from '../local/stack-log.js';
import type { LogQuery } from '../logs/log-record.js';
import { stackLogRecords, type SourcedRecord } from '../logs/log-source.js';
import { openStack, stateDirFor } from '../state/open-stack.js';
import { notProvisioned } from '../upload/stack-targets.js';

export interface LogsOptions extends LogQuery {
  follow?: boolean;
  /** Ends following (Ctrl-C). */
  signal?: AbortSignal;
  /** Each matching record, as it is read. */
  onRecord: (line: SourcedRecord) => void;
  pollMs?: number;
}

/**
 * On the embedded backend an absent log file is also what a mistyped --stack looks like: without a
 * state file either, say so rather than "no log lines". (On AWS a missing log group says it.)
 */
async function assertKnownStack(ctx: Context): Promise<void> {
  if (ctx.target.backend !== 'embedded') return;
  if (existsSync(stackLogPath(stateDirFor(ctx), ctx.settings.stack))) return;
  const stack = await openStack(ctx, { persist: false });
  if (!stack.hadState) throw notProvisioned(ctx, 'no state file and no function log');
}

/** `thumbs logs`: prints the function's records as they are read; returns how many matched. */
export async function logs(ctx: Context, options: LogsOptions): Promise<{ records: number }> {
  const { follow = false, signal, onRecord, pollMs, ...query } = options;
  await assertKnownStack(ctx);
  let records = 0;
  for await (const line of stackLogRecords(ctx, query, { follow, signal, ...(pollMs ? { pollMs } : {}) })) {
    records += 1;
    onRecord(line);
    if (signal?.aborted) break;
  }
  return { records };
}
