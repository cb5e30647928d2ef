import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { logLine, type Logger } from '../../lambda/log.js';

/**
 * Where the embedded backend keeps a stack's function log: the JSON lines Lambda would send to
 * CloudWatch, next to the stack's state file, so `thumbs logs --local` reads them after the fact.
 */
export function stackLogPath(localStateDir: string, stack: string): string {
  return path.join(localStateDir, `${stack}.log`);
}

export interface StackLog {
  log: Logger;
  close(): Promise<void>;
}

/** Appends every line to the stack's log file (one write stream, kept open while the worker runs). */
export function openStackLog(file: string): StackLog {
  mkdirSync(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
  // A full disk must not stop the worker; the terminal still shows each record.
  stream.on('error', () => undefined);
  return {
    log: (level, fields) => {
      stream.write(`${logLine(level, fields)}\n`);
    },
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
}
