import type { Context } from '../context.js';
import type { LogQuery } from '../logs/log-record.js';
import { stackLogRecords, type SourcedRecord } from '../logs/log-source.js';

export interface LogsOptions extends LogQuery {
  follow?: boolean;
  /** Ends following (Ctrl-C). */
  signal?: AbortSignal;
  /** Each matching record, as it is read. */
  onRecord: (line: SourcedRecord) => void;
  pollMs?: number;
}

/** `thumbs logs`: prints the function's records as they are read; returns how many matched. */
export async function logs(ctx: Context, options: LogsOptions): Promise<{ records: number }> {
  const { follow = false, signal, onRecord, pollMs, ...query } = options;
  let records = 0;
  for await (const line of stackLogRecords(ctx, query, { follow, signal, ...(pollMs ? { pollMs } : {}) })) {
    records += 1;
    onRecord(line);
    if (signal?.aborted) break;
  }
  return { records };
}
