import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ThumbsError } from '../errors.js';
import {
  FEED_KEY,
  FEED_SHARDS,
  FEED_SORT_KEY,
  FEED_STATUSES,
  TIME_INDEX,
  feedPartition,
  type StoredItem,
} from '../../lambda/contract.js';

export interface ByTimeQuery {
  /** Statuses to read; default every status the index holds. */
  statuses?: readonly string[];
  /** newest-first (default) reads feedAt downwards from `from`; oldest-first reads upwards. */
  order?: 'newest-first' | 'oldest-first';
  /** Exclusive bound on feedAt: start just past this item. */
  from?: string;
  /** Newest-first only, without `from`: read only feedAt above this (the Query's key condition, so nothing below is read). */
  above?: string;
  /** Items per Query request on each shard (1-1000). */
  pageSize: number;
  /** Counts what was read, for tests and the benchmark. */
  stats?: { requests: number; itemsRead: number };
}

interface Shard {
  buffer: StoredItem[];
  next?: Record<string, unknown>;
  exhausted: boolean;
  pending?: Promise<void>;
}

/** DynamoDB and dynalite both answer a Query on a missing or still-building index with a ValidationException naming the index. */
function explainIndexError(error: unknown, table: string): unknown {
  const { name, message } = error as Error;
  if (name !== 'ValidationException' || !/index/i.test(message ?? '')) return error;
  return new ThumbsError('no-time-index', `table ${table} has no usable index ${TIME_INDEX} yet (${message})`, {
    hint: 'Run `thumbs provision` (add --local for the embedded backend): it adds the index to tables made by the first release and fills it in.',
    cause: error,
  });
}

/**
 * Items in feedAt order across every (status, shard) partition of the time index: a k-way merge
 * that holds at most one Query page per partition and asks a partition for its next page only
 * when the merge has used up the last one.
 */
export async function* readByTime(doc: DynamoDBDocumentClient, table: string, query: ByTimeQuery): AsyncGenerator<StoredItem> {
  const newestFirst = (query.order ?? 'newest-first') === 'newest-first';
  const partitions = (query.statuses ?? FEED_STATUSES).flatMap((status) =>
    Array.from({ length: FEED_SHARDS }, (_, shard) => feedPartition(status, shard)),
  );
  if (query.above !== undefined && (!newestFirst || query.from !== undefined)) throw new Error('readByTime: `above` bounds a newest-first read without `from`');
  const bound = query.from !== undefined ? { op: newestFirst ? '<' : '>', value: query.from } : query.above !== undefined ? { op: '>', value: query.above } : undefined;
  const input = (partition: string, next?: Record<string, unknown>): QueryCommandInput => ({
    TableName: table,
    IndexName: TIME_INDEX,
    KeyConditionExpression: bound === undefined ? '#f = :f' : `#f = :f AND #t ${bound.op} :bound`,
    ExpressionAttributeNames: { '#f': FEED_KEY, ...(bound === undefined ? {} : { '#t': FEED_SORT_KEY }) },
    ExpressionAttributeValues: { ':f': partition, ...(bound === undefined ? {} : { ':bound': bound.value }) },
    ScanIndexForward: !newestFirst,
    Limit: Math.max(1, Math.min(1000, Math.floor(query.pageSize))),
    ...(next ? { ExclusiveStartKey: next } : {}),
  });
  const shards: Shard[] = partitions.map(() => ({ buffer: [], exhausted: false }));
  const fill = (shard: Shard, partition: string) => {
    shard.pending ??= doc.send(new QueryCommand(input(partition, shard.next))).then((page) => {
      if (query.stats) {
        query.stats.requests += 1;
        query.stats.itemsRead += page.Items?.length ?? 0;
      }
      shard.buffer = (page.Items ?? []) as StoredItem[];
      shard.next = page.LastEvaluatedKey;
      shard.exhausted = page.LastEvaluatedKey === undefined;
      shard.pending = undefined;
    }, (error: unknown) => {
      throw explainIndexError(error, table);
    });
    return shard.pending;
  };
  const sortValue = (item: StoredItem) => String(item[FEED_SORT_KEY] ?? '');
  for (;;) {
    // Every partition that may still hold items must show its head before the merge can choose.
    await Promise.all(shards.map((shard, i) => (shard.buffer.length === 0 && !shard.exhausted ? fill(shard, partitions[i]!) : undefined)));
    let best: Shard | undefined;
    for (const shard of shards) {
      const head = shard.buffer[0];
      if (!head) continue;
      const bestHead = best?.buffer[0];
      if (!bestHead || (newestFirst ? sortValue(head) > sortValue(bestHead) : sortValue(head) < sortValue(bestHead))) best = shard;
    }
    if (!best) return;
    yield best.buffer.shift()!;
  }
}
