import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleReporter } from '../../../src/output/console-reporter.js';

/** A stream that keeps what was written, line by line (plain output: no terminal, no widgets). */
function capture(): { stream: NodeJS.WriteStream; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, lines: () => text.split('\n').filter(Boolean) };
}

describe('plain progress (CI, pipes)', () => {
  it('says what it waits for as soon as it starts, before the first tenth is done', () => {
    const out = capture();
    const reporter = new ConsoleReporter({ verbose: false, quiet: false, color: false, stream: out.stream });
    const progress = reporter.progress('processing batch 68db7438', 18);
    expect(out.lines()).toEqual(['processing batch 68db7438: 0/18']);
    progress.tick(1);
    expect(out.lines()).toEqual(['processing batch 68db7438: 0/18']);
    progress.tick(17);
    progress.done();
    expect(out.lines()).toEqual(['processing batch 68db7438: 0/18', 'processing batch 68db7438: 18/18']);
  });

  it('--quiet prints no progress at all', () => {
    const out = capture();
    const reporter = new ConsoleReporter({ verbose: false, quiet: true, color: false, stream: out.stream });
    const progress = reporter.progress('uploading', 5);
    progress.tick(5);
    progress.done();
    expect(out.lines()).toEqual([]);
  });
});
