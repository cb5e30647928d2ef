import type { Confirm } from '../context.js';
import { ExitCode, ThumbsError, usageError } from '../errors.js';

export function interruptedAtPrompt(cause: unknown): ThumbsError {
  return new ThumbsError('interrupted', 'interrupted at the prompt; nothing was changed', { exitCode: ExitCode.interrupted, cause });
}

/** --yes answers every question; without a TTY a question is an error (exit 2), never a hang. */
export function createConfirm(options: { yes: boolean; interactive: boolean }): Confirm {
  return async (question) => {
    if (options.yes) return true;
    if (!options.interactive) {
      throw usageError(
        'confirmation-required',
        `refusing without confirmation: ${question}`,
        'Run it in a terminal to answer the prompt, or pass --yes.',
      );
    }
    // Prompts go to stderr so that stdout stays clean for results.
    const { default: inquirer } = await import('inquirer');
    const prompt = inquirer.createPromptModule({ output: process.stderr });
    try {
      const { ok } = await prompt<{ ok: boolean }>([{ type: 'confirm', name: 'ok', message: question, default: false }]);
      return ok;
    } catch (error) {
      // Ctrl-C in the prompt's raw mode is a keypress, not a signal: inquirer rejects instead.
      if ((error as Error).name === 'ExitPromptError') throw interruptedAtPrompt(error);
      throw error;
    }
  };
}
