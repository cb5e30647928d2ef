/** Process exit codes; see README "Exit codes". */
export const ExitCode = {
  ok: 0,
  failure: 1,
  /** Bad usage, or an action refused (e.g. teardown without a TTY and without --yes). */
  usage: 2,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ThumbsErrorOptions {
  /** What the user should do about it. */
  hint?: string;
  cause?: unknown;
  exitCode?: ExitCode;
  /** The command already printed its result (which holds the details); --json must not add a second document. */
  resultPrinted?: boolean;
}

/**
 * The one error type a user ever sees. `code` is stable (scripts match on it in --json output),
 * `message` is one line naming the input at fault, `hint` says what to do.
 */
export class ThumbsError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;
  readonly resultPrinted: boolean;

  constructor(code: string, message: string, options: ThumbsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ThumbsError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.failure;
    this.resultPrinted = options.resultPrinted ?? false;
  }
}

export function usageError(code: string, message: string, hint?: string): ThumbsError {
  return new ThumbsError(code, message, { hint, exitCode: ExitCode.usage });
}

export function isThumbsError(error: unknown): error is ThumbsError {
  return error instanceof ThumbsError;
}
