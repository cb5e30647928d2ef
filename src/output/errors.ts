import { ExitCode, ThumbsError } from '../errors.js';

export interface ErrorReportOptions {
  json: boolean;
  verbose: boolean;
  color: boolean;
}

/** The single place an error reaches the user: one line, a hint, a stack trace only with --verbose. */
export function reportError(error: unknown, options: ErrorReportOptions): number {
  const known = error instanceof ThumbsError;
  const message = error instanceof Error ? error.message : String(error);
  const code = known ? error.code : 'internal';
  const hint = known ? error.hint : 'This looks like a bug in thumbs. Run again with --verbose and report the output.';
  const red = (text: string) => (options.color ? `\u001b[31m${text}\u001b[0m` : text);
  if (known && error.exitCode === ExitCode.interrupted && !error.hint && !options.verbose) {
    // Ctrl-C with nothing to resume is the user's choice, not a failure to explain: end the prompt's line and go.
    process.stderr.write('\n');
    if (options.json && !error.resultPrinted) process.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
    return error.exitCode;
  }
  process.stderr.write(`${red('error:')} ${message}\n`);
  if (hint) process.stderr.write(`hint: ${hint}\n`);
  if (options.verbose && error instanceof Error) {
    process.stderr.write(`${error.stack ?? ''}\n`);
    if (error.cause instanceof Error) process.stderr.write(`caused by: ${error.cause.stack ?? error.cause.message}\n`);
  }
  if (options.json && !(known && error.resultPrinted)) process.stdout.write(`${JSON.stringify({ error: { code, message, hint } }, null, 2)}\n`);
  return known ? error.exitCode : ExitCode.failure;
}
