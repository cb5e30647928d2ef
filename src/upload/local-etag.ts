import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Files up to this size go up in one PutObject (lib-storage's Upload switches to multipart only
 * above its part size); larger ones in parts of exactly this size. 8 MiB is also the AWS CLI's
 * multipart threshold and chunk size, so objects `aws s3 cp` uploaded compare equal too.
 */
export const PART_SIZE = 8 * 1024 * 1024;

/**
 * The ETag S3 gives an object uploaded the way put-objects.ts uploads it: the MD5 of the content
 * for a single PUT, and for a multipart upload the MD5 of the concatenated part MD5s followed by
 * `-<parts>`. Streams the file. (Objects encrypted with SSE-KMS have other ETags; they then look
 * changed and are uploaded again, which costs time but never loses anything.)
 */
export async function localEtag(file: string, size: number, partSize = PART_SIZE, content?: Uint8Array): Promise<string> {
  if (content && size <= partSize) return createHash('md5').update(content).digest('hex');
  if (size <= partSize) {
    const hash = createHash('md5');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
  const partDigests: Buffer[] = [];
  let part: Hash = createHash('md5');
  let inPart = 0;
  for await (const data of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    let chunk = data as Buffer;
    while (chunk.length > 0) {
      const take = Math.min(partSize - inPart, chunk.length);
      part.update(chunk.subarray(0, take));
      inPart += take;
      chunk = chunk.subarray(take);
      if (inPart === partSize) {
        partDigests.push(part.digest());
        part = createHash('md5');
        inPart = 0;
      }
    }
  }
  if (inPart > 0) partDigests.push(part.digest());
  return `${createHash('md5').update(Buffer.concat(partDigests)).digest('hex')}-${partDigests.length}`;
}

/** S3 returns ETags in double quotes; messages and comparisons use the bare value. */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');
}
