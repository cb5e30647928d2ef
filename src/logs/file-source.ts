import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RawLogEvent {
  text: string;
  /** Epoch ms, when the source knows it (CloudWatch); a file line carries its own time. */
  timestamp: number;
  /** CloudWatch's event id; used to drop events seen twice while following. */
  eventId?: string;
}

export interface FollowOptions {
  follow: boolean;
  signal?: AbortSignal;
  /** Pause between looks for new lines; default 500 ms. */
  pollMs?: number;
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Bytes [start, end) of the file, as text. */
async function readRange(file: string, start: number, end: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The lines of the embedded backend's log file, streamed (a long log is never held in memory);
 * when following, the lines appended afterwards as they arrive, until the signal aborts.
 */
export async function* fileLogEvents(file: string, options: FollowOptions): AsyncGenerator<RawLogEvent> {
  let offset = (await sizeOf(file)) ?? 0;
  if (offset > 0) {
    const lines = createInterface({ input: createReadStream(file, { start: 0, end: offset - 1 }), crlfDelay: Infinity });
    for await (const text of lines) if (text.trim() !== '') yield { text, timestamp: Date.now() };
  }
  while (options.follow && !options.signal?.aborted) {
    await sleep(options.pollMs ?? 500, undefined, { signal: options.signal }).catch(() => undefined);
    const size = await sizeOf(file);
    if (size === undefined || size === offset) continue;
    // A smaller file is a new one (the stack was provisioned again): read it from the start.
    if (size < offset) offset = 0;
    const chunk = await readRange(file, offset, size);
    const complete = chunk.lastIndexOf('\n');
    if (complete < 0) continue;
    offset += Buffer.byteLength(chunk.slice(0, complete + 1));
    for (const text of chunk.slice(0, complete).split('\n')) if (text.trim() !== '') yield { text, timestamp: Date.now() };
  }
}
