import { open, type FileHandle } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import path from 'node:path';

/** The queue a journal describes: a queue deleted and created again under its name is another queue. */
export interface QueueIdentity {
  arn: string;
  /** GetQueueAttributes CreatedTimestamp (epoch seconds); '' when the endpoint does not report it. */
  created: string;
}

/** One message as the journal knows it: the object key and the ETag it announced. */
export type JournalEntry = readonly [key: string, etag: string];

export interface JournalOpenOptions {
  queue: QueueIdentity;
  bucket: string;
  /** false on a dry run: read, never write. */
  persist?: boolean;
}

const FORMAT = 2;

/**
 * Lines of the journal (JSON, one per line):
 *   {"journal":2,"queue":arn,"created":ts,"bucket":b}   first line: what the journal describes
 *   {"i":batch,"m":[[key,etag],...]}                     a batch about to be sent
 *   {"s":batch,"m":[[key,etag],...]}                     the entries of that batch SQS accepted
 *   {"k":key,"e":etag}                                   accepted, written by compaction
 */
interface Line {
  journal?: number;
  queue?: string;
  created?: string;
  bucket?: string;
  i?: string;
  s?: string;
  m?: JournalEntry[];
  k?: string;
  e?: string;
}

/**
 * The messages already sent to one queue for one bucket. A batch is recorded as intended before
 * it is sent and as accepted once SQS answered, so after a crash the next run knows which
 * entries are certainly sent (skipped), certainly not (sent), and which were in flight when the
 * process died (`uncertain`: the caller decides, e.g. by looking for their items). A journal
 * written for another queue or bucket, or by a release that did not record its queue, is
 * discarded: its entries say nothing about what the present queue holds.
 */
export class SentJournal {
  private writes: Promise<void> = Promise.resolve();
  private handle: Promise<FileHandle> | undefined;

  private constructor(
    readonly file: string,
    private readonly sent: Map<string, string>,
    /** Entries of batches intended by an earlier run whose answer was never recorded. */
    readonly uncertain: Map<string, string>,
    private readonly persist: boolean,
    /** Why the journal found on disk was not used, if it was not. */
    readonly discarded: string | undefined,
  ) {}

  static async open(stateDir: string, stack: string, options: JournalOpenOptions): Promise<SentJournal> {
    const file = journalPath(stateDir, stack);
    const persist = options.persist ?? true;
    const loaded = await load(file, options);
    const journal = new SentJournal(file, loaded.sent, loaded.uncertain, persist, loaded.discarded);
    // Rewritten when it describes another queue, or when superseded lines outweigh the live ones.
    if (persist && (loaded.lines === 0 || loaded.discarded !== undefined || loaded.entries > 2 * loaded.sent.size + 1000)) {
      await journal.rewrite(options);
    } else if (persist) await endTornLine(file);
    return journal;
  }

  /** Announced, and accepted by SQS. */
  has(key: string, etag: string): boolean {
    return this.sent.get(key) === etag;
  }

  get size(): number {
    return this.sent.size;
  }

  /** Recorded before the batch goes out, so a crash during the send leaves it `uncertain`, never unknown. */
  intend(batch: string, entries: JournalEntry[]): Promise<void> {
    return this.write({ i: batch, m: entries });
  }

  /** The entries of `batch` SQS accepted. */
  accepted(batch: string, entries: JournalEntry[]): Promise<void> {
    for (const [key, etag] of entries) {
      this.sent.set(key, etag);
      this.uncertain.delete(key);
    }
    return this.write({ s: batch, m: entries });
  }

  /** An uncertain entry found to have been delivered (its item exists): sent, not to be sent again. */
  settle(entries: JournalEntry[]): Promise<void> {
    return this.accepted('settled', entries);
  }

  async close(): Promise<void> {
    await this.writes.catch(() => undefined);
    if (this.handle) await (await this.handle.catch(() => undefined))?.close();
    this.handle = undefined;
  }

  /** Appends are serialised, so concurrent batches never interleave half lines. */
  private write(line: Line): Promise<void> {
    if (!this.persist || (line.m?.length ?? 0) === 0) return Promise.resolve();
    const text = `${JSON.stringify(line)}\n`;
    this.writes = this.writes.then(async () => {
      this.handle ??= open(this.file, 'a', 0o600);
      await (await this.handle).write(text);
    });
    return this.writes;
  }

  /** Header plus one line per accepted entry, written beside the journal and renamed over it. */
  private async rewrite(options: JournalOpenOptions): Promise<void> {
    const header: Line = { journal: FORMAT, queue: options.queue.arn, created: options.queue.created, bucket: options.bucket };
    await writeFileAtomic(this.file, journalChunks(header, this.sent), { mode: 0o600 });
  }
}

/** The journal's lines, a thousand to a chunk: one write per chunk, never the whole journal in memory. */
function* journalChunks(header: Line, sent: Map<string, string>): Generator<string> {
  let chunk = `${JSON.stringify(header)}\n`;
  let lines = 0;
  for (const [key, etag] of sent) {
    chunk += `${JSON.stringify({ k: key, e: etag })}\n`;
    if ((lines += 1) % 1000 === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** A line torn by a crash is ended, so the next append starts a line of its own. */
async function endTornLine(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    const last = Buffer.alloc(1);
    if (size > 0 && (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a) await handle.write('\n', size);
  } finally {
    await handle.close();
  }
}

export function journalPath(stateDir: string, stack: string): string {
  return path.join(stateDir, `${stack}.sent.jsonl`);
}

interface Loaded {
  sent: Map<string, string>;
  uncertain: Map<string, string>;
  lines: number;
  /** Entries written, superseded ones included: what compaction weighs against the live ones. */
  entries: number;
  discarded?: string;
}

async function load(file: string, options: JournalOpenOptions): Promise<Loaded> {
  const loaded: Loaded = { sent: new Map(), uncertain: new Map(), lines: 0, entries: 0 };
  const intended = new Map<string, JournalEntry[]>();
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return loaded;
    throw error;
  }
  // Read line by line: a journal of 100,000 entries is never one string in memory.
  const lines = handle.readLines();
  try {
    for await (const text of lines) {
      const line = parseLine(text);
      if (!line) continue;
      loaded.lines += 1;
      if (loaded.lines === 1) {
        const discarded = mismatch(line, options);
        if (discarded) return { sent: new Map(), uncertain: new Map(), lines: 1, entries: 0, discarded };
      } else loaded.entries += apply(line, loaded.sent, intended);
    }
  } finally {
    lines.close();
    await handle.close().catch(() => undefined);
  }
  for (const entries of intended.values()) {
    for (const [key, etag] of entries) if (loaded.sent.get(key) !== etag) loaded.uncertain.set(key, etag);
  }
  return loaded;
}

/** Applies one line; returns how many entries it holds. */
function apply(line: Line, sent: Map<string, string>, intended: Map<string, JournalEntry[]>): number {
  if (line.k !== undefined && line.e !== undefined) {
    sent.set(line.k, line.e);
    return 1;
  }
  if (!Array.isArray(line.m)) return 0;
  if (line.i !== undefined) intended.set(line.i, line.m);
  else if (line.s !== undefined) {
    for (const [key, etag] of line.m) sent.set(key, etag);
    // An answer came: the entries of this batch it does not list were refused, so they are unsent, not uncertain.
    intended.delete(line.s);
  }
  return line.m.length;
}

function mismatch(header: Line, options: JournalOpenOptions): string | undefined {
  if (header.journal !== FORMAT) return 'it was written by an earlier release, which did not record its queue';
  if (header.queue !== options.queue.arn || header.created !== options.queue.created) {
    return `it describes queue ${header.queue ?? '?'} created at ${header.created || '?'}, not ${options.queue.arn} created at ${options.queue.created || '?'}`;
  }
  if (header.bucket !== options.bucket) return `it describes bucket ${header.bucket ?? '?'}, not ${options.bucket}`;
  return undefined;
}

/** A line torn by a crash mid-write is ignored: its batch is simply uncertain, or unsent. */
function parseLine(text: string): Line | undefined {
  if (!text.trim()) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Line) : undefined;
  } catch {
    return undefined;
  }
}
