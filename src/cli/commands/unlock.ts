import type { Command } from 'commander';
import type { UnlockResult } from '../../actions/unlock.js';
import { ExitCode, ThumbsError } from '../../errors.js';
import { printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';

export function renderUnlock(result: UnlockResult): string {
  if (!result.broken) return `stack ${result.stack}: ${result.note ?? 'nothing was changed'}`;
  const what = [result.lease ? 'its lease' : '', result.lockFile ? `the lock file ${result.lockFile.file}` : ''].filter(Boolean).join(' and ');
  return `stack ${result.stack}: broke ${what}${result.note ? ` (${result.note})` : ''}`;
}

export function registerUnlock(program: Command, runtime: Runtime): void {
  program
    .command('unlock')
    .description('break the lock of a stack whose holder is gone (its lease in the stack\'s table, and this folder\'s lock file)')
    .addHelpText('after', `
A command that changes a stack holds a lease on it, kept in the stack's table and renewed while it
runs, so commands from other folders and machines wait for it. A holder that died lets go by
itself: its lease runs out a minute after its last renewal (at once for a dead process on this
host). unlock breaks it now, after naming the holder and asking; without a terminal, --yes is
required (else exit 2, nothing changed). Break only a lock whose command is really gone.

Examples:
  thumbs unlock --stack photos
  thumbs unlock --local --yes`)
    .action(async (_options: object, command: Command) => {
      const result = await withContext(command, runtime, async (ctx) => (await import('../../actions/unlock.js')).unlock(ctx));
      if (result.cancelled) {
        throw new ThumbsError('cancelled', `unlock cancelled at the prompt: stack ${result.stack} is still locked`, { exitCode: ExitCode.usage });
      }
      printResult(settingsOf(command, runtime).json, result, () => renderUnlock(result));
    });
}
