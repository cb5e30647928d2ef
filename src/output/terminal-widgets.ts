import type { SingleBar } from 'cli-progress';
import type { Options as OraOptions, Ora } from 'ora';

/** The spinner and progress-bar libraries, which only an interactive terminal uses. */
export interface TerminalWidgets {
  spinner(options: OraOptions): Ora;
  bar(options: ConstructorParameters<typeof SingleBar>[0]): SingleBar;
}

/**
 * Loaded only when a command runs on a terminal: ora alone took ~17 ms of every start-up,
 * `--help`, `--version` and piped or CI runs included, which never draw one.
 */
export async function loadTerminalWidgets(): Promise<TerminalWidgets> {
  const [{ default: ora }, { SingleBar: Bar }] = await Promise.all([import('ora'), import('cli-progress')]);
  return { spinner: (options) => ora(options), bar: (options) => new Bar(options) };
}
