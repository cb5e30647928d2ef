import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface JournalEntry {
  bucket: string;
  key: string;
  etag: string;
}

/**
 * The messages already sent for a stack, one JSON line per message, appended after each batch
 * SQS accepted. With it a re-run can tell "uploaded and announced" (skip) from "uploaded, but
 * interrupted before the message went out" (send it now), so no image is lost or sent twice.
 */
export class SentJournal {
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly sent: Set<string>,
    private readonly persist: boolean,
  ) {}

  static async open(stateDir: string, stack: string, options: { persist?: boolean } = {}): Promise<SentJournal> {
    const file = journalPath(stateDir, stack);
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const sent = new Set<string>();
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (entry) sent.add(idOf(entry));
    }
    return new SentJournal(file, sent, options.persist ?? true);
  }

  has(entry: JournalEntry): boolean {
    return this.sent.has(idOf(entry));
  }

  /** Appends are serialised, so concurrent batches never interleave half lines. */
  append(entries: JournalEntry[]): Promise<void> {
    for (const entry of entries) this.sent.add(idOf(entry));
    if (!this.persist || entries.length === 0) return Promise.resolve();
    const text = entries.map((e) => `${JSON.stringify({ bucket: e.bucket, key: e.key, etag: e.etag })}\n`).join('');
    this.writes = this.writes.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, text, { mode: 0o600 });
    });
    return this.writes;
  }
}

export function journalPath(stateDir: string, stack: string): string {
  return path.join(stateDir, `${stack}.sent.jsonl`);
}

const idOf = (entry: JournalEntry) => JSON.stringify([entry.bucket, entry.key, entry.etag]);

/** A line torn by a crash mid-write is ignored: its message is simply sent again. */
function parseLine(line: string): JournalEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as Partial<JournalEntry>;
    if (typeof value.bucket === 'string' && typeof value.key === 'string' && typeof value.etag === 'string') {
      return { bucket: value.bucket, key: value.key, etag: value.etag };
    }
  } catch {
    // fall through
  }
  return undefined;
}
