import type { Confirm } from '../context.js';
import { usageError } from '../errors.js';

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
    const { ok } = await prompt<{ ok: boolean }>([{ type: 'confirm', name: 'ok', message: question, default: false }]);
    return ok;
  };
}
