import type { Context } from '../context.js';
import { withThousands } from '../output/plural.js';
import type { Progress } from '../output/reporter.js';
import { MESSAGE_VERSION, type ImageMessage } from '../../lambda/contract.js';
import { forEachBounded, type BoundedStats } from './bounded.js';
import { detectImage } from './detect-image.js';
import { localEtag, PART_SIZE } from './local-etag.js';
import type { RemoteIndex, RemoteObject } from './list-existing.js';
import { objectKey, unusableKey } from './object-key.js';
import { putObject, readFile } from './put-objects.js';
import type { MessagePipeline } from './send-messages.js';
import type { SentJournal } from './sent-journal.js';
import type { FoundFile, Skipped, WalkEntry } from './walk-folder.js';

/** upload: new or changed; message: already there, its message never went out; none: nothing to do; skip: not an image. */
export type PlannedAction = 'upload' | 'message' | 'none' | 'skip';

export interface FileRecord {
  path: string;
  key: string;
  size: number;
  action: PlannedAction;
  status: 'uploaded' | 'unchanged' | 'failed' | 'planned' | 'skipped';
  etag?: string;
  /** Why it failed, or why it was skipped. */
  error?: string;
}

export interface UploadRun {
  bucket: string;
  prefix: string;
  concurrency: number;
  dryRun: boolean;
  existing: RemoteIndex;
  /** undefined when no messages are sent (S3 notifies the function itself). */
  journal: SentJournal | undefined;
  /** false when S3 notifies the function itself (the stack records a bucket notification). */
  sendsMessages: boolean;
  /** undefined when no messages are sent, and on a dry run. */
  messages: MessagePipeline | undefined;
  /** Keep key -> ETag of every image, for --wait. */
  keepExpected: boolean;
  /** The stack's recorded max-bytes: a larger original would only be failed by the function, so it is not sent. */
  maxBytes: number;
  /** Once aborted, no new file is started. */
  stop?: AbortSignal;
  /** Once aborted, requests in flight are abandoned (the grace period after a stop is over). */
  abandon?: AbortSignal;
}

/** What the run did, in counts and short lists: one record per file would grow with the folder. */
export interface UploadTally {
  uploaded: number;
  unchanged: number;
  /** Images seen (uploaded, unchanged, planned or failed). */
  images: number;
  bytes: number;
  skipped: Skipped[];
  failed: Array<{ path: string; error: string }>;
  /** Dry run only. */
  planned: Array<{ path: string; key: string; action: 'upload' | 'message' | 'none' }>;
  /** key -> ETag of each image that is uploaded or unchanged, when the run keeps them. */
  expected: Map<string, string>;
  pipeline: BoundedStats;
}

/** Same size first (free), then the ETag, which costs hashing the file: only for likely matches. */
async function unchangedEtag(file: FoundFile, remote: RemoteObject | undefined, content: Buffer | undefined): Promise<string | undefined> {
  if (!remote || remote.size !== file.size) return undefined;
  const etag = await localEtag(file.path, file.size, PART_SIZE, content);
  return etag === remote.etag ? etag : undefined;
}

/**
 * One file, read once: a file up to PART_SIZE is read into memory and that buffer serves the
 * type detection, the ETag and the PUT; a larger one is sniffed, hashed and uploaded as streams.
 * Resolves once its message is in the pipeline, which waits while too many batches are out.
 */
const tooLarge = (maxBytes: number) => `larger than the stack's max-bytes ${withThousands(maxBytes)} (\`thumbs provision --max-bytes\` changes it)`;

async function uploadOne(ctx: Context, run: UploadRun, file: FoundFile): Promise<FileRecord> {
  const key = objectKey(file.relative, run.prefix);
  const base = { path: file.path, key, size: file.size };
  if (file.size > run.maxBytes) return { ...base, action: 'skip', status: 'skipped', error: tooLarge(run.maxBytes) };
  const unusable = unusableKey(key);
  if (unusable) return { ...base, action: 'skip', status: 'skipped', error: unusable };
  const content = file.size > 0 && file.size <= PART_SIZE ? await readFile(file.path, file.size) : undefined;
  const found = await detectImage(file.path, file.size, content);
  if (!found.image) return { ...base, action: 'skip', status: 'skipped', error: found.reason };
  const message = (etag: string): ImageMessage => ({ v: MESSAGE_VERSION, bucket: run.bucket, key, etag, size: file.size, contentType: found.contentType });
  const sameEtag = await unchangedEtag(file, run.existing.get(key), content);
  if (sameEtag) {
    // Uploaded by an earlier run that was interrupted before its message went out: send it now.
    const needsMessage = run.sendsMessages && !run.journal?.has(key, sameEtag);
    if (needsMessage) await run.messages?.add({ message: message(sameEtag), path: file.path });
    return { ...base, action: needsMessage ? 'message' : 'none', status: run.dryRun ? 'planned' : 'unchanged', etag: sameEtag };
  }
  if (run.dryRun) return { ...base, action: 'upload', status: 'planned' };
  const etag = await putObject(ctx, { bucket: run.bucket, key, file: file.path, size: file.size, contentType: found.contentType, content }, run.abandon);
  await run.messages?.add({ message: message(etag), path: file.path });
  return { ...base, action: 'upload', status: 'uploaded', etag };
}

function record(tally: UploadTally, run: UploadRun, r: FileRecord): void {
  if (r.status === 'skipped') {
    tally.skipped.push({ path: r.path, reason: r.error ?? '' });
    return;
  }
  tally.images += 1;
  if (r.status === 'uploaded') {
    tally.uploaded += 1;
    tally.bytes += r.size;
  } else if (r.status === 'unchanged') tally.unchanged += 1;
  else if (r.status === 'failed') tally.failed.push({ path: r.path, error: r.error ?? 'unknown error' });
  else if (r.action !== 'skip') tally.planned.push({ path: r.path, key: r.key, action: r.action === 'upload' ? 'upload' : r.action });
  if (run.keepExpected && r.etag && r.status !== 'failed') tally.expected.set(r.key, r.etag);
}

/**
 * Checks and uploads the files of a walk as they are found, at most `concurrency` at once. A
 * failure is recorded against its file and the rest carry on, so one bad file never costs the
 * others their upload.
 */
export async function uploadFiles(ctx: Context, run: UploadRun, entries: AsyncIterable<WalkEntry>, progress: Progress): Promise<UploadTally> {
  const tally: UploadTally = {
    uploaded: 0, unchanged: 0, images: 0, bytes: 0, skipped: [], failed: [], planned: [], expected: new Map(),
    pipeline: { taken: 0, peakInFlight: 0, stopped: false },
  };
  tally.pipeline = await forEachBounded(entries, async (entry) => {
    if (entry.skipped) {
      tally.skipped.push(entry.skipped);
      return;
    }
    const file = entry.file;
    try {
      record(tally, run, await uploadOne(ctx, run, file));
    } catch (error) {
      const key = objectKey(file.relative, run.prefix);
      record(tally, run, { path: file.path, key, size: file.size, action: 'upload', status: 'failed', error: (error as Error).message });
    } finally {
      progress.tick();
    }
  }, { limit: run.concurrency, signal: run.stop });
  return tally;
}
