import type { Command } from 'commander';
import type { DlqResult } from '../../actions/dlq.js';
import { printResult, renderTable } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { locked } from '../locked.js';
import { settingsOf, withContext } from '../runtime.js';
import { count } from '../../output/plural.js';

export function renderDlq(result: DlqResult): string {
  if (result.messages.length === 0) return `dead-letter queue of stack ${result.stack} is empty`;
  const rows = result.messages.map((m) => [m.key ?? `(no key: ${m.body.slice(0, 40)})`, m.receiveCount, m.firstReceive ?? '-', m.lastError?.at ?? '-', m.lastError?.error ?? '-']);
  const lines = [
    renderTable(['image key', 'receives', 'first receive', 'last error at', 'last error'], rows),
    `${result.messages.length}${result.truncated ? '+' : ''} message${result.messages.length === 1 && !result.truncated ? '' : 's'} in ${result.deadLetterQueue} (listed, not consumed)`,
  ];
  const r = result.redrive;
  if (r) lines.push(`redrive (${r.method === 'move-task' ? 'StartMessageMoveTask' : 'receive, send, delete'}): ${r.moved} moved back to the work queue${r.failed ? `, ${r.failed} not sent` : ''}${r.deleteFailed ? `, ${r.deleteFailed} not deleted` : ''}`);
  if (result.purged !== undefined) lines.push(`purged: ${count(result.purged, 'message')} deleted`);
  return lines.join('\n');
}

export function registerDlq(program: Command, runtime: Runtime): void {
  program
    .command('dlq')
    .description('list the dead-lettered messages (key, receives, last error) without consuming them; --redrive or --purge them')
    .option('--redrive', 'move them back to the work queue (StartMessageMoveTask where the endpoint has it, else receive, send, delete)')
    .option('--purge', 'delete them, after confirmation (--yes without a terminal)')
    .addHelpText('after', `
Listing receives each message and makes it visible again at once, so nothing is consumed
(SQS counts the look as a receive). The last error comes from the function's log (by message id
or key, over the last 24 hours) or from the table's failed item.

Examples:
  thumbs dlq --local
  thumbs dlq --redrive
  thumbs dlq --purge --yes --json`)
    .action(async (options: { redrive?: boolean; purge?: boolean }, command: Command) => {
      const { dlq, dlqOutcomeError } = await import('../../actions/dlq.js');
      // Listing changes nothing; moving or deleting messages holds the stack's lock like every other change.
      const result = await withContext(command, runtime, locked('dlq', (ctx) => dlq(ctx, { redrive: options.redrive, purge: options.purge }), { skip: !options.redrive && !options.purge }));
      printResult(settingsOf(command, runtime).json, result, () => renderDlq(result));
      const error = dlqOutcomeError(result);
      if (error) throw error;
    });
}
