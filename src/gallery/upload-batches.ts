import { randomUUID } from 'node:crypto';
import { usageError } from '../errors.js';

/** How the gallery writes a batch's record: startBatch and sealBatch of the stack's table. */
export interface BatchWriter {
  start(batch: string): Promise<void>;
  /** Records the number announced; 0 removes the batch (nothing of it was uploaded). */
  seal(batch: string, expected: number): Promise<void>;
}

/** What the page learns when it seals a drop. */
export interface SealedBatch {
  batch: string;
  /** Files S3 stored and the gallery announced; 0: the batch was removed. */
  expected: number;
}

/**
 * A presigned form lives 10 minutes (browser-upload.ts); a drop that has announced nothing for
 * longer than that plus the slowest upload is over, whether or not its page said so (a tab closed).
 */
export const IDLE_SEAL_MS = 30 * 60 * 1000;

/** Batches open at once; each drop opens one, so more means a page is misbehaving. */
const MAX_OPEN = 100;

interface OpenBatch {
  keys: Set<string>;
  idle: NodeJS.Timeout;
}

/**
 * The gallery's open batches: one per drop of files in the page. The page opens one, every file
 * S3 stored is announced into it (once per key: a file dropped twice is one image), and the page
 * seals it when the drop is over; files refused or failed in the browser are never announced, so
 * never counted. Announcements and seals of batches this gallery did not open are refused.
 */
export class UploadBatches {
  private readonly open = new Map<string, OpenBatch>();

  constructor(private readonly writer: BatchWriter, private readonly idleMs = IDLE_SEAL_MS, private readonly onIdleError: (error: unknown) => void = () => {}) {}

  async start(): Promise<string> {
    if (this.open.size >= MAX_OPEN) throw usageError('too-many-batches', `${MAX_OPEN} uploads are still open in this gallery`, 'Wait for the uploads in progress to finish, or restart the gallery.');
    const batch = randomUUID();
    await this.writer.start(batch);
    this.open.set(batch, { keys: new Set(), idle: this.idleTimer(batch) });
    return batch;
  }

  isOpen(batch: string): boolean {
    return this.open.has(batch);
  }

  /** One file of the batch, stored by S3 and announced to the function. */
  announce(batch: string, key: string): void {
    const entry = this.open.get(batch);
    if (!entry) throw notOpen(batch);
    entry.keys.add(key);
    clearTimeout(entry.idle);
    entry.idle = this.idleTimer(batch);
  }

  async seal(batch: string): Promise<SealedBatch> {
    const entry = this.open.get(batch);
    if (!entry) throw notOpen(batch);
    this.open.delete(batch);
    clearTimeout(entry.idle);
    try {
      await this.writer.seal(batch, entry.keys.size);
    } catch (error) {
      // Still open, so a later seal (the page's again, the idle timer's, the gallery's at close) can finish it.
      this.open.set(batch, { keys: entry.keys, idle: this.idleTimer(batch) });
      throw error;
    }
    return { batch, expected: entry.keys.size };
  }

  /** When the gallery stops: every drop still open is sealed with what it announced. */
  async sealAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((batch) => this.seal(batch)));
  }

  private idleTimer(batch: string): NodeJS.Timeout {
    const timer = setTimeout(() => void this.seal(batch).catch(this.onIdleError), this.idleMs);
    // An open batch must not keep the process alive once the gallery is closed.
    timer.unref();
    return timer;
  }
}

function notOpen(batch: string) {
  return usageError('batch-not-open', `batch "${batch.slice(0, 40)}" is not an upload open in this gallery`, 'Drop the files again: the page opens a new batch.');
}
