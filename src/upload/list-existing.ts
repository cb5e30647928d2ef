import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { Context } from '../context.js';
import { bareEtag } from './local-etag.js';

export interface RemoteObject {
  size: number;
  etag: string;
}

/** One listing of the bucket (1,000 keys a page) instead of a HeadObject per file. */
export async function listExisting(ctx: Context, bucket: string, prefix: string): Promise<Map<string, RemoteObject>> {
  const objects = new Map<string, RemoteObject>();
  const pages = paginateListObjectsV2({ client: ctx.clients.s3, pageSize: 1000 }, { Bucket: bucket, ...(prefix ? { Prefix: prefix } : {}) });
  for await (const page of pages) {
    for (const object of page.Contents ?? []) {
      if (object.Key) objects.set(object.Key, { size: object.Size ?? -1, etag: bareEtag(object.ETag) });
    }
  }
  return objects;
}
