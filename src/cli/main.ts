import { Command, CommanderError } from 'commander';
import { CONFIG_FILE_NAME, loadConfigFile } from '../config/config-file.js';
import { ExitCode, ThumbsError, usageError } from '../errors.js';
import { thumbsVersion } from '../package/project.js';
import { reportError } from '../output/errors.js';
import { registerCommands } from './commands/index.js';
import { addGlobalOptions } from './global-options.js';
import { interruptHandler } from './interrupt.js';
import { detectTerminal, type Runtime } from './runtime.js';

export function buildProgram(runtime: Runtime): Command {
  const program = new Command('thumbs')
    .version(thumbsVersion())
    .description(
      'Stand up, run and tear down an image-thumbnail pipeline on AWS, on LocalStack, or offline.\n' +
        'S3 originals -> SQS -> Lambda (sharp) -> S3 thumbnails + DynamoDB metadata -> gallery.',
    )
    .showHelpAfterError('hint: add --help to see the options, with examples')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  addGlobalOptions(program);
  registerCommands(program, runtime);
  program.hook('preAction', async (root, actionCommand) => {
    // Before the action and any call, but not for --help: a broken file must not hide the help that explains it.
    const { optionsOf, parseCommandOptions, validateConfigFile } = await import('../config/check-options.js');
    validateConfigFile(runtime.config, optionsOf(root));
    applyConfigFile(actionCommand, runtime.config);
    parseCommandOptions(actionCommand);
  });
  program.addHelpText('after', `
Start offline in two commands:
  npm run demo                        provision, upload images/, process, scan, tear down
  thumbs dev                          keep the embedded backend running, then use --local

Exit codes: 0 ok, 1 failure, 2 bad usage or refused, 130 interrupted.`);
  return program;
}

/**
 * thumbs.config.json may hold any command option by its camelCase name; it applies only where
 * neither a flag nor an environment variable gave a value.
 */
function applyConfigFile(command: Command, config: Runtime['config']): void {
  for (const option of command.options) {
    const key = option.attributeName();
    const source = command.getOptionValueSource(key);
    if (key in config && (source === undefined || source === 'default')) {
      const raw = config[key];
      // The same parser as the flag, so a bad value in the file is reported like a bad flag.
      let value: unknown = raw;
      try {
        if (option.parseArg && typeof raw !== 'boolean') value = option.parseArg(String(raw), undefined as never);
      } catch (error) {
        throw usageError('bad-config-file', `${CONFIG_FILE_NAME}: "${key}": ${(error as Error).message}`, `Fix or remove "${key}" in ${CONFIG_FILE_NAME}.`);
      }
      command.setOptionValueWithSource(key, value, 'config');
    }
  }
}

/** A .env file in the current folder, as the README's .env.example suggests; real environment variables win. */
function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new ThumbsError('bad-dotenv', `cannot read .env in ${process.cwd()} (${code ?? (error as Error).message})`, {
      hint: 'Fix or remove .env; .env.example shows its format.',
      exitCode: ExitCode.usage,
      cause: error,
    });
  }
}

/** Runs the CLI and returns the exit code; the only place errors are caught and shown. */
export async function main(argv: string[]): Promise<number> {
  // First of all, so that NO_COLOR, FORCE_COLOR or THUMBS_JSON in .env decide the output like real variables.
  let dotEnvError: unknown;
  try {
    loadDotEnv();
  } catch (error) {
    dotEnvError = error;
  }
  const terminal = detectTerminal(process.env, argv);
  // Known before parsing, so that even a parse error can answer in JSON.
  const wantsJson = argv.includes('--json') || /^(1|true|yes|on)$/i.test(process.env.THUMBS_JSON ?? '');
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const onInterrupt = () => {
    const claimed = interruptHandler();
    if (claimed) return claimed();
    process.stderr.write('\ninterrupted; everything done so far is kept, and a re-run picks up from there\n');
    process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onInterrupt);
  try {
    if (dotEnvError) throw dotEnvError;
    const runtime: Runtime = { config: await loadConfigFile(process.cwd()), terminal };
    await buildProgram(runtime).parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
      if (done) return ExitCode.ok;
      // Commander has printed the message and hint on stderr; scripts asking for JSON get it on stdout too.
      if (wantsJson) process.stdout.write(`${JSON.stringify({ error: { code: 'usage', message: error.message.replace(/^error: /, '') } }, null, 2)}\n`);
      return ExitCode.usage;
    }
    return reportError(error, { json: wantsJson, verbose, color: terminal.color });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
