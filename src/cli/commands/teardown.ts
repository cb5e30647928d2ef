import type { Command } from 'commander';
import type { TeardownResult } from '../../actions/teardown.js';
import { ExitCode, ThumbsError } from '../../errors.js';
import { printResult, renderTable } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { locked } from '../locked.js';
import { settingsOf, withContext } from '../runtime.js';

export function renderTeardown(result: TeardownResult): string {
  if (result.results.length === 0) return `stack ${result.stack}: nothing to delete`;
  const count = (status: string) => result.results.filter((r) => r.status === status).length;
  const rows = result.results.map((r) => [result.dryRun && r.status === 'deleted' ? 'would delete' : r.status, r.kind, r.id, r.reason ?? '']);
  const found = result.foundBy === 'discovery' ? ' (no state file: found by name and tag)' : '';
  const failed = count('failed') ? `, ${count('failed')} FAILED` : '';
  const summary = result.dryRun
    ? `dry run: ${count('deleted')} would be deleted, ${count('kept')} kept${found}`
    : `stack ${result.stack}: ${count('deleted')} deleted, ${count('kept')} kept, ${count('absent')} already gone${failed}${found}`;
  return `${renderTable(['result', 'resource', 'id', 'why'], rows)}\n${summary}`;
}

export function registerTeardown(program: Command, runtime: Runtime): void {
  program
    .command('teardown')
    .description('delete what this stack created (and still carries its tag), emptying buckets first; adopted resources are kept')
    .option('--dry-run', 'show what would be deleted and what kept, delete nothing')
    .addHelpText('after', `
Asks for confirmation on a terminal; without one, --yes is required (else exit 2, nothing deleted).
Besides the state file, it always looks for the stack's resources by their names and tag, so it
works after an interrupted provision or without the state file. Every trigger between the stack's
queue and function goes; afterwards the stack is listed again. A second run does nothing.
Exit 1 when anything of the stack remains (the failed rows name it); the state file is then kept.

Examples:
  thumbs teardown --dry-run
  thumbs teardown --local --yes`)
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      const result = await withContext(command, runtime, locked('teardown', async (ctx) => (await import('../../actions/teardown.js')).teardown(ctx, { dryRun: options.dryRun }), { skip: options.dryRun }));
      // A "no" at the prompt is a refusal like a missing --yes: scripts must see that nothing happened.
      if (!result.confirmed) throw new ThumbsError('cancelled', 'teardown cancelled at the prompt: nothing was deleted', { exitCode: ExitCode.usage });
      printResult(settingsOf(command, runtime).json, result, () => renderTeardown(result));
      if (result.remaining.length > 0) {
        throw new ThumbsError('teardown-incomplete', `teardown left ${result.remaining.length} resources of stack ${result.stack}: ${result.remaining.join(', ')}`, {
          hint: 'The reasons are in the table above; fix them and run `thumbs teardown` again: it resumes where it stopped.',
          resultPrinted: true,
        });
      }
    });
}
