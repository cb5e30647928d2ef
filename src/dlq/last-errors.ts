import type { Context } from '../context.js';
import { stackLogRecords } from '../logs/log-source.js';
import { readItems } from '../reprocess/reconcile.js';
import type { DeadLetter } from './peek.js';

/** How far back the log is read for the reason of a dead-lettered message. */
const LOG_LOOKBACK_MS = 24 * 3_600_000;

export interface LastError {
  error: string;
  /** Where it was found, and when it was recorded there. */
  from: 'log' | 'table';
  at?: string;
}

/**
 * The last error recorded for each message: the function's log (by message id, else by key) holds
 * the reason of every failed delivery, malformed bodies included; the table holds the reason of
 * a permanent failure. The log wins, being the newer.
 */
export async function lastErrors(ctx: Context, table: string | undefined, messages: DeadLetter[]): Promise<Map<string, LastError>> {
  const found = new Map<string, LastError>();
  if (messages.length === 0) return found;
  const keys = [...new Set(messages.flatMap((m) => (m.key ? [m.key] : [])))];
  if (table && keys.length > 0) {
    const items = await readItems(ctx, table, keys);
    for (const message of messages) {
      const item = message.key ? items.get(message.key) : undefined;
      if (item?.status === 'failed' && item.error) found.set(message.messageId, { error: item.error, from: 'table', ...(item.processedAt ? { at: item.processedAt } : {}) });
    }
  }
  const oldest = Math.min(...messages.map((m) => Date.parse(m.sent ?? '') || Date.now()));
  const byId = new Map(messages.map((m) => [m.messageId, m]));
  const byKey = new Map(messages.flatMap((m) => (m.key ? [[m.key, m] as const] : [])));
  try {
    for await (const { record } of stackLogRecords(ctx, { since: Math.max(oldest, Date.now() - LOG_LOOKBACK_MS), anyOf: [...byId.keys(), ...byKey.keys()] }, { follow: false })) {
      const why = record.error ?? (record.level !== 'info' ? record.reason : undefined);
      if (!why) continue;
      const message = (record.messageId ? byId.get(record.messageId) : undefined) ?? (record.key ? byKey.get(record.key) : undefined);
      if (message) found.set(message.messageId, { error: why, from: 'log', at: record.time });
    }
  } catch (error) {
    // The listing is the point; a log that cannot be read only leaves the reasons to the table.
    ctx.reporter.detail(`log not read for the reasons: ${(error as Error).message}`);
  }
  return found;
}
