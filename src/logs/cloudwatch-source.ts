import { paginateFilterLogEvents, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FollowOptions, RawLogEvent } from './file-source.js';
import type { LogQuery } from './log-record.js';

/** CloudWatch Logs refuses longer filter patterns. */
const MAX_PATTERN_LENGTH = 1024;

/** Events may be ingested a little after their timestamp: each follow round looks back this far. */
const FOLLOW_OVERLAP_MS = 10_000;

/**
 * A server-side pattern that narrows what FilterLogEvents returns; the exact match is done on the
 * client. Quoted terms match the text anywhere (our JSON line may sit escaped inside Lambda's JSON
 * envelope, so a JSON pattern such as { $.key = ... } would miss it). A term holding a double quote
 * cannot be quoted, so it is left to the client.
 */
export function filterPattern(query: Pick<LogQuery, 'filter' | 'key' | 'anyOf'>): string | undefined {
  const quotable = (t: string | undefined): t is string => t !== undefined && t !== '' && !t.includes('"');
  const terms = [query.filter, query.key].filter(quotable);
  if (terms.length > 0) return terms.map((t) => `"${t}"`).join(' ');
  const any = query.anyOf ?? [];
  if (any.length === 0 || !any.every(quotable)) return undefined;
  const pattern = any.map((t) => `?"${t}"`).join(' ');
  return pattern.length <= MAX_PATTERN_LENGTH ? pattern : undefined;
}

/**
 * The log group's events since `query.since`, every page (FilterLogEvents answers in pages of at most
 * 10,000 events or 1 MB). Following polls again every 2 s from the newest timestamp seen, minus an
 * overlap for late ingestion, and drops the events already printed by their event id.
 */
export async function* cloudWatchEvents(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  query: LogQuery,
  options: FollowOptions,
): AsyncGenerator<RawLogEvent> {
  const pattern = filterPattern(query);
  const seen = new Map<string, number>();
  let from = query.since;
  for (;;) {
    let newest = from;
    const pages = paginateFilterLogEvents(
      { client: logs },
      { logGroupName, startTime: from, ...(pattern ? { filterPattern: pattern } : {}) },
    );
    for await (const page of pages) {
      for (const event of page.events ?? []) {
        const id = event.eventId ?? `${event.logStreamName}:${event.timestamp}:${event.message}`;
        if (seen.has(id)) continue;
        const timestamp = event.timestamp ?? Date.now();
        if (options.follow) seen.set(id, timestamp);
        newest = Math.max(newest, timestamp);
        yield { text: event.message ?? '', timestamp, eventId: id };
      }
      if (options.signal?.aborted) return;
    }
    if (!options.follow || options.signal?.aborted) return;
    from = Math.max(query.since, newest - FOLLOW_OVERLAP_MS);
    // Only the ids inside the overlap can come back; the rest are forgotten, so memory stays flat.
    for (const [id, timestamp] of seen) if (timestamp < from) seen.delete(id);
    await sleep(options.pollMs ?? 2_000, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal?.aborted) return;
  }
}
