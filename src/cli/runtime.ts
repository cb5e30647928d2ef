import { isatty } from 'node:tty';
import type { Command } from 'commander';
import type { AwsTarget } from '../aws/target.js';
import type { ConfigFile, GlobalFlags, Settings } from '../config/settings.js';
import { resolveSettings } from '../config/settings.js';
import type { Context } from '../context.js';
import { ConsoleReporter } from '../output/console-reporter.js';
import { createConfirm } from './prompt.js';

/** Facts about the terminal, decided once. */
export interface Terminal {
  interactive: boolean;
  color: boolean;
}

export function detectTerminal(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = [], tty = isatty(2)): Terminal {
  return {
    // isatty(0), not process.stdin.isTTY: the getter builds stdin's stream (and on a terminal
    // loads readline), which `--help` and every non-interactive run would pay for nothing.
    interactive: tty && !env.CI && isatty(0),
    color: wantsColor(env, argv, tty),
  };
}

/**
 * --no-color, then FORCE_COLOR (which, as in Node itself, wins over NO_COLOR: 0 or false turn
 * colour off, anything else on), then NO_COLOR (any non-empty value), then TERM=dumb, then a terminal.
 */
export function wantsColor(env: NodeJS.ProcessEnv, argv: readonly string[], tty: boolean): boolean {
  if (argv.includes('--no-color')) return false;
  if (env.FORCE_COLOR !== undefined) return !/^(0|false)$/i.test(env.FORCE_COLOR);
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return tty;
}

export interface Runtime {
  config: ConfigFile;
  terminal: Terminal;
}

export function settingsOf(command: Command, runtime: Runtime): Settings {
  return resolveSettings(command.optsWithGlobals<GlobalFlags>(), process.env, runtime.config);
}

export async function reporterFor(settings: Settings, terminal: Terminal): Promise<ConsoleReporter> {
  const interactive = terminal.interactive && !settings.quiet;
  const widgets = interactive ? await (await import('../output/terminal-widgets.js')).loadTerminalWidgets() : undefined;
  return new ConsoleReporter({
    ...(widgets ? { widgets } : {}),
    verbose: settings.verbose,
    quiet: settings.quiet,
    color: terminal.color,
  });
}

/**
 * Builds the context for one command, runs the action, and turns AWS errors a user can act on
 * into ThumbsErrors. Clients are destroyed afterwards so the process exits promptly.
 */
export async function withContext<T>(
  command: Command,
  runtime: Runtime,
  action: (ctx: Context) => Promise<T>,
  target?: AwsTarget,
  overrides: Partial<Settings> = {},
): Promise<T> {
  const settings = { ...settingsOf(command, runtime), ...overrides };
  // Loaded on demand: the SDK clients cost more to load than everything else, and --help needs none.
  const [{ createContext, resolveTarget }, { explainAwsError }, { explainStaleLocal }, { explainStateDirError, stateDirSource }] = await Promise.all([
    import('../context.js'),
    import('../aws/aws-errors.js'),
    import('../local/stale-endpoints.js'),
    import('../state/state-dir.js'),
  ]);
  const resolved = target ?? (await resolveTarget(settings));
  const ctx = await createContext(
    settings,
    resolved,
    await reporterFor(settings, runtime.terminal),
    createConfirm({ yes: settings.yes, interactive: runtime.terminal.interactive }),
  );
  try {
    return await action(ctx);
  } catch (error) {
    const stateDirError = explainStateDirError(error, settings.stateDir, stateDirSource(process.env, runtime.config));
    throw await explainStaleLocal(explainAwsError(stateDirError, ctx.target), ctx.target, settings.stateDir);
  } finally {
    if (settings.verbose) {
      for (const call of ctx.callLog.calls) {
        const took = (call.endMs - call.startMs).toFixed(0);
        ctx.reporter.detail(`  at ${(call.startMs / 1000).toFixed(2)}s ${call.service} ${call.command} ${took} ms${call.ok ? '' : ' (failed)'}`);
      }
      ctx.reporter.detail(`${ctx.callLog.calls.length} AWS calls, ${ctx.callLog.criticalPathLength()} sequential round trips`);
    }
    ctx.clients.destroy();
  }
}
