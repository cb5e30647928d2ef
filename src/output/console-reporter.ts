import type { Ora } from 'ora';
import type { Progress, Reporter } from './reporter.js';
import { silentProgress } from './reporter.js';
import type { TerminalWidgets } from './terminal-widgets.js';

export interface ConsoleReporterOptions {
  /** Spinners and bars, given only on a TTY outside CI; without them, plain lines. */
  widgets?: TerminalWidgets;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
  stream?: NodeJS.WriteStream;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The reporter the CLI uses: spinners and bars on a TTY, plain lines in CI and pipes. */
export class ConsoleReporter implements Reporter {
  private readonly stream: NodeJS.WriteStream;
  private readonly running = new Set<string>();
  private spinner: Ora | undefined;
  private readonly origin = performance.now();

  constructor(private readonly options: ConsoleReporterOptions) {
    this.stream = options.stream ?? process.stderr;
  }

  async step<T>(label: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    if (this.options.verbose) this.line(`[${seconds(started - this.origin)}] start ${label}`);
    this.running.add(label);
    this.refreshSpinner();
    try {
      const result = await work();
      this.finish(label, started, true);
      return result;
    } catch (error) {
      this.finish(label, started, false);
      throw error;
    }
  }

  info(message: string): void {
    if (!this.options.quiet) this.line(message);
  }
  warn(message: string): void {
    this.line(`${this.paint('33', 'warning:')} ${message}`);
  }
  detail(message: string): void {
    if (this.options.verbose) this.line(this.paint('2', message));
  }

  progress(label: string, total: number): Progress {
    if (this.options.quiet || total === 0) return silentProgress;
    if (this.options.widgets) {
      this.pauseSpinner();
      const bar = this.options.widgets.bar({
        format: `${label} [{bar}] {value}/{total} {percentage}% {duration}s`,
        stream: this.stream,
        hideCursor: true,
        clearOnComplete: false,
      });
      bar.start(total, 0);
      return { tick: (delta = 1) => bar.increment(delta), done: () => bar.stop() };
    }
    // Plain: a line at the start (a wait whose first tenth takes minutes is not silent), then at every 10%, so CI logs show movement without a line per file.
    let value = 0;
    let lastDecile = 0;
    this.line(`${label}: 0/${total}`);
    return {
      tick: (delta = 1) => {
        value += delta;
        const decile = Math.floor((value / total) * 10);
        if (decile > lastDecile && value < total) {
          lastDecile = decile;
          this.line(`${label}: ${value}/${total}`);
        }
      },
      done: () => this.line(`${label}: ${value}/${total}`),
    };
  }

  private finish(label: string, started: number, ok: boolean): void {
    this.running.delete(label);
    const elapsed = seconds(performance.now() - started);
    if (this.options.verbose) this.line(`[${seconds(performance.now() - this.origin)}] ${ok ? 'done' : 'failed'} ${label} (${elapsed})`);
    else if (this.options.widgets && !this.options.quiet) this.line(`${ok ? this.paint('32', '✔') : this.paint('31', '✖')} ${label}`);
    this.refreshSpinner();
  }

  private refreshSpinner(): void {
    const widgets = this.options.widgets;
    if (!widgets || this.options.quiet) return;
    if (this.running.size === 0) return this.pauseSpinner();
    const text = [...this.running].join(', ');
    if (this.spinner) this.spinner.text = text;
    else this.spinner = widgets.spinner({ text, stream: this.stream, color: 'cyan', isEnabled: true }).start();
  }

  private pauseSpinner(): void {
    this.spinner?.stop();
    this.spinner = undefined;
  }

  private line(text: string): void {
    const spinning = this.spinner?.isSpinning;
    if (spinning) this.spinner?.clear();
    this.stream.write(`${text}\n`);
    if (spinning) this.spinner?.render();
  }

  private paint(code: string, text: string): string {
    return this.options.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}
