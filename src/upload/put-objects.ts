import { closeSync, createReadStream, openSync, readFile as readFileCallback, readFileSync, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Context } from '../context.js';
import { bareEtag, PART_SIZE } from './local-etag.js';

const readFileAsync = promisify(readFileCallback);

/** Below this, a file is read in one blocking call. */
const SYNC_READ_LIMIT = 256 * 1024;

/**
 * A photo's bytes. A small file is read synchronously: fs.readFile is four trips through libuv's
 * thread pool (open, fstat, read, close), which cost more CPU than the read itself, about a fifth
 * of an upload of 1,000 small photos (profiled); blocking for a few tens of microseconds is
 * cheaper. A large one is read asynchronously, so a slow disk never stalls the requests in flight.
 * (fs.readFile, not fs/promises: on Node 20 the promise version costs about twice the CPU.)
 * `size` is the walk's: the file is read at that size, see readKnownSize.
 */
export function readFile(file: string, size = Infinity): Promise<Buffer> {
  if (size <= SYNC_READ_LIMIT) {
    try {
      return Promise.resolve(readKnownSize(file, size) ?? readFileSync(file));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
  return readFileAsync(file);
}

/**
 * The file in one read of one byte more than the size the walk saw: readFileSync asks the size
 * again with fstat, which cost as much CPU as the read itself here (measured: ~35 against ~65 µs
 * a photo). A single read of a regular file returns less than asked only at its end, so getting
 * exactly `size` bytes proves the size is unchanged; otherwise (it changed since the walk)
 * undefined, and the caller reads the file as it is now, as before.
 */
function readKnownSize(file: string, size: number): Buffer | undefined {
  const fd = openSync(file, 'r');
  try {
    // allocUnsafe, as readFileSync: a small file shares a pooled slab instead of an allocation of its own.
    const buffer = Buffer.allocUnsafe(size + 1);
    const read = readSync(fd, buffer, 0, size + 1, 0);
    return read === size ? buffer.subarray(0, size) : undefined;
  } finally {
    closeSync(fd);
  }
}

export interface PutSpec {
  bucket: string;
  key: string;
  file: string;
  size: number;
  contentType: string;
  /** The file's bytes when already read (files up to PART_SIZE). */
  content?: Buffer;
}

/**
 * One file to S3. Up to PART_SIZE: one PutObject with the file read into a buffer, which is
 * what lib-storage's Upload does too below its part size, through the clients' direct put
 * (direct-put.ts), which skips the SDK's per-request pipeline for all but a bucket's first object. Above PART_SIZE: Upload streams the file in parts of exactly
 * PART_SIZE (local-etag.ts relies on that), at most 2 parts in flight per file, and aborts the
 * multipart upload if a part fails, so no invisible parts are left to pay for.
 */
export async function putObject(ctx: Context, spec: PutSpec, abortSignal?: AbortSignal): Promise<string> {
  const params = { Bucket: spec.bucket, Key: spec.key, ContentType: spec.contentType };
  if (spec.size <= PART_SIZE) {
    const body = spec.content ?? (await readFile(spec.file, spec.size));
    const result = await ctx.clients.putSmallObject({ ...params, Body: body }, abortSignal);
    return bareEtag(result.ETag);
  }
  // Loaded only when needed: every thumbs command imports this module, and lib-storage costs start-up time.
  const { Upload } = await import('@aws-sdk/lib-storage');
  const upload = new Upload({
    client: ctx.clients.s3,
    params: { ...params, Body: createReadStream(spec.file), ContentLength: spec.size },
    partSize: PART_SIZE,
    queueSize: 2,
    leavePartsOnError: false,
  });
  const abort = () => void upload.abort();
  abortSignal?.addEventListener('abort', abort, { once: true });
  const result = await upload.done().finally(() => abortSignal?.removeEventListener('abort', abort));
  return bareEtag(result.ETag);
}
