import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RenditionSpec } from '../../lambda/config.js';
import { unquote } from '../../lambda/events.js';
import { isReservedKey, ITEM_KEY, type StoredItem } from '../../lambda/contract.js';
import type { Context } from '../context.js';

/** Why an original needs work; `current` needs none (it is announced only with --all). */
export type Reason = 'failed' | 'stale' | 'missing' | 'current';

export interface Original {
  key: string;
  etag: string;
  size: number;
  reason: Reason;
  /** processedAt of the item found, so that waiting can tell a new outcome from the old one. */
  previous?: string;
}

export interface ReconcileInput {
  bucket: string;
  table: string;
  prefix: string;
  settings: { hash: string; renditions: readonly RenditionSpec[] };
}

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_MAX = 100;

export type ItemFacts = Pick<StoredItem, 'imageKey' | 'etag' | 'status' | 'settings' | 'renditions' | 'processedAt' | 'error'>;

/** Items of earlier releases carry no settings hash: their renditions are compared with the settings instead. */
function renderedWith(item: ItemFacts, settings: ReconcileInput['settings']): boolean {
  if (typeof item.settings === 'string') return item.settings === settings.hash;
  const have = (item.renditions ?? []).map((r) => `${r.format}:${r.name}`).sort().join(',');
  const want = settings.renditions.map((r) => `${r.format}:${r.size}`).sort().join(',');
  return have === want;
}

export function classify(etag: string, item: ItemFacts | undefined, settings: ReconcileInput['settings']): Reason {
  // An item for another version describes an original that is gone: this one has never been processed.
  if (!item || item.etag !== etag) return 'missing';
  if (item.status === 'failed') return 'failed';
  if (item.status !== 'done') return 'missing';
  return renderedWith(item, settings) ? 'current' : 'stale';
}

/**
 * Walks the originals bucket page by page (1,000 keys) and reads the items of each page's keys
 * (BatchGetItem, 100 at a time), so memory holds one page whatever the bucket's size.
 */
export async function* reconcile(ctx: Context, input: ReconcileInput): AsyncGenerator<Original[]> {
  const pages = paginateListObjectsV2({ client: ctx.clients.s3, pageSize: 1000 }, { Bucket: input.bucket, ...(input.prefix ? { Prefix: input.prefix } : {}) });
  for await (const page of pages) {
    // An object named like a reserved item is never an image of the stack (the function ignores it too).
    const objects = (page.Contents ?? []).filter((o) => o.Key && !o.Key.endsWith('/') && !isReservedKey(o.Key));
    if (objects.length === 0) continue;
    const items = await readItems(ctx, input.table, objects.map((o) => o.Key as string));
    yield objects.map((object) => {
      const key = object.Key as string;
      const etag = unquote(object.ETag ?? '');
      const item = items.get(key);
      const reason = classify(etag, item, input.settings);
      return { key, etag, size: object.Size ?? 0, reason, ...(item?.etag === etag && item.processedAt ? { previous: item.processedAt } : {}) };
    });
  }
}

export async function readItems(ctx: Context, table: string, keys: string[]): Promise<Map<string, ItemFacts>> {
  const found = new Map<string, ItemFacts>();
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX) {
    let pending: Array<Record<string, unknown>> = keys.slice(start, start + BATCH_GET_MAX).map((key) => ({ [ITEM_KEY]: key }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      // Unprocessed keys mean throttling: back off before asking for them again.
      if (attempt > 0) await sleep(Math.min(100 * 2 ** attempt, 2000));
      const answer = await ctx.clients.doc.send(new BatchGetCommand({
        RequestItems: {
          [table]: {
            Keys: pending,
            ProjectionExpression: '#k, etag, #s, #st, renditions, processedAt, #e',
            ExpressionAttributeNames: { '#k': ITEM_KEY, '#s': 'status', '#st': 'settings', '#e': 'error' },
          },
        },
      }));
      for (const item of (answer.Responses?.[table] ?? []) as ItemFacts[]) found.set(item.imageKey, item);
      pending = (answer.UnprocessedKeys?.[table]?.Keys ?? []) as Array<Record<string, unknown>>;
    }
  }
  return found;
}
