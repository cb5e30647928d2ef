import { Command, CommanderError } from 'commander';
import { loadConfigFile } from '../config/config-file.js';
import { ExitCode } from '../errors.js';
import { reportError } from '../output/errors.js';
import { registerCommands } from './commands/index.js';
import { addGlobalOptions } from './global-options.js';
import { interruptHandler } from './interrupt.js';
import { detectTerminal, type Runtime } from './runtime.js';

const VERSION = '0.1.0';

export function buildProgram(runtime: Runtime): Command {
  const program = new Command('thumbs')
    .version(VERSION)
    .description(
      'Stand up, run and tear down an image-thumbnail pipeline on AWS, on LocalStack, or offline.\n' +
        'S3 originals -> SQS -> Lambda (sharp) -> S3 thumbnails + DynamoDB metadata -> gallery.',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
  addGlobalOptions(program);
  registerCommands(program, runtime);
  program.addHelpText('after', `
Start offline in two commands:
  npm run demo                        provision, upload images/, process, scan, tear down
  thumbs dev                          keep the embedded backend running, then use --local

Exit codes: 0 ok, 1 failure, 2 bad usage or refused, 130 interrupted.`);
  return program;
}

/** Runs the CLI and returns the exit code; the only place errors are caught and shown. */
export async function main(argv: string[]): Promise<number> {
  const terminal = detectTerminal();
  const wantsJson = argv.includes('--json');
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const onInterrupt = () => {
    const claimed = interruptHandler();
    if (claimed) return claimed();
    process.stderr.write('\ninterrupted; everything done so far is kept, and a re-run picks up from there\n');
    process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onInterrupt);
  try {
    const runtime: Runtime = { config: await loadConfigFile(process.cwd()), terminal };
    await buildProgram(runtime).parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
      return done ? ExitCode.ok : ExitCode.usage;
    }
    return reportError(error, { json: wantsJson, verbose, color: terminal.color });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
