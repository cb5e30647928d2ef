/** Progress of a long job (files, bytes, messages). */
export interface Progress {
  tick(delta?: number): void;
  done(): void;
}

/**
 * How actions tell the user what is happening. Everything goes to stderr; stdout is kept
 * for results so `--json` output stays one parseable document.
 */
export interface Reporter {
  /** A unit of work: a spinner on a TTY, start/end lines with timings under --verbose. */
  step<T>(label: string, work: () => Promise<T>): Promise<T>;
  info(message: string): void;
  warn(message: string): void;
  /** Shown only with --verbose. */
  detail(message: string): void;
  progress(label: string, total: number): Progress;
}

export const silentProgress: Progress = { tick() {}, done() {} };

/** Records every event; tests assert on what a user would have seen. */
export class MemoryReporter implements Reporter {
  readonly events: Array<{ kind: 'step' | 'info' | 'warn' | 'detail' | 'progress'; text: string }> = [];

  async step<T>(label: string, work: () => Promise<T>): Promise<T> {
    this.events.push({ kind: 'step', text: label });
    return work();
  }
  info(message: string): void {
    this.events.push({ kind: 'info', text: message });
  }
  warn(message: string): void {
    this.events.push({ kind: 'warn', text: message });
  }
  detail(message: string): void {
    this.events.push({ kind: 'detail', text: message });
  }
  progress(label: string, total: number): Progress {
    this.events.push({ kind: 'progress', text: `${label} (${total})` });
    return silentProgress;
  }
  texts(kind?: 'step' | 'info' | 'warn' | 'detail' | 'progress'): string[] {
    return this.events.filter((event) => !kind || event.kind === kind).map((event) => event.text);
  }
}
