import pLimit from 'p-limit';
import type { Context } from '../context.js';
import { detectImage } from './detect-image.js';
import { localEtag, PART_SIZE } from './local-etag.js';
import type { RemoteObject } from './list-existing.js';
import { objectKey } from './object-key.js';
import { putObject, readFile } from './put-objects.js';
import { MESSAGE_VERSION, type ImageMessage } from '../../lambda/contract.js';
import type { MessagePipeline } from './send-messages.js';
import type { SentJournal } from './sent-journal.js';
import type { FoundFile } from './walk-folder.js';

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
  existing: Map<string, RemoteObject>;
  journal: SentJournal;
  /** false when S3 notifies the function itself (the stack records a bucket notification). */
  sendsMessages: boolean;
  /** undefined when no messages are sent, and on a dry run. */
  messages: MessagePipeline | undefined;
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
 */
async function uploadOne(ctx: Context, run: UploadRun, file: FoundFile): Promise<FileRecord> {
  const key = objectKey(file.relative, run.prefix);
  const base = { path: file.path, key, size: file.size };
  const content = file.size > 0 && file.size <= PART_SIZE ? await readFile(file.path) : undefined;
  const found = await detectImage(file.path, file.size, content);
  if (!found.image) return { ...base, action: 'skip', status: 'skipped', error: found.reason };
  const message = (etag: string): ImageMessage => ({ v: MESSAGE_VERSION, bucket: run.bucket, key, etag, size: file.size, contentType: found.contentType });
  const sameEtag = await unchangedEtag(file, run.existing.get(key), content);
  if (sameEtag) {
    // Uploaded by an earlier run that was interrupted before its message went out: send it now.
    const needsMessage = run.sendsMessages && !run.journal.has({ bucket: run.bucket, key, etag: sameEtag });
    if (needsMessage) run.messages?.add(message(sameEtag));
    return { ...base, action: needsMessage ? 'message' : 'none', status: run.dryRun ? 'planned' : 'unchanged', etag: sameEtag };
  }
  if (run.dryRun) return { ...base, action: 'upload', status: 'planned' };
  const etag = await putObject(ctx, { bucket: run.bucket, key, file: file.path, size: file.size, contentType: found.contentType, content });
  run.messages?.add(message(etag));
  return { ...base, action: 'upload', status: 'uploaded', etag };
}

/**
 * Checks and uploads every file with bounded concurrency. A failure is recorded against its file
 * and the rest carry on, so one bad file never costs the others their upload.
 */
export async function uploadFiles(ctx: Context, run: UploadRun, files: FoundFile[]): Promise<FileRecord[]> {
  const limit = pLimit(run.concurrency);
  const progress = ctx.reporter.progress(run.dryRun ? 'checking' : 'uploading', files.length);
  const records = await Promise.all(
    files.map((file) =>
      limit(async (): Promise<FileRecord> => {
        try {
          return await uploadOne(ctx, run, file);
        } catch (error) {
          const key = objectKey(file.relative, run.prefix);
          return { path: file.path, key, size: file.size, action: 'upload', status: 'failed', error: (error as Error).message };
        } finally {
          progress.tick();
        }
      }),
    ),
  );
  progress.done();
  return records;
}
