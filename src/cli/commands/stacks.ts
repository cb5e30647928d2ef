import type { Command } from 'commander';
import type { StacksResult } from '../../actions/stacks.js';
import { isThumbsError } from '../../errors.js';
import { printResult, renderTable } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';

export function renderStacks(result: StacksResult, local = false): string {
  if (result.stacks.length === 0) return `no stacks known here (${result.discovery})\nhint: \`thumbs provision${local ? ' --local' : ''}\` creates one`;
  const rows = result.stacks.map((s) => [
    s.stack,
    s.backend === 'endpoint' ? `${s.endpoint ?? ''} ${s.region}` : `${s.backend} ${s.region}`,
    s.createdAt ?? '-',
    s.tagged !== undefined && s.foundBy !== 'tags' ? `${s.resources} (${s.tagged} tagged)` : s.resources,
    s.health === 'degraded' ? `degraded: ${s.missing.join(', ')} missing` : s.note ? `${s.health} (${s.note})` : s.health,
  ]);
  return `${renderTable(['stack', 'where', 'created', 'resources', 'health'], rows)}\ndiscovery: ${result.discovery}`;
}

export function registerStacks(program: Command, runtime: Runtime): void {
  program
    .command('stacks')
    .description('list the stacks recorded where this command points (each one\'s table), those with a state file here and, on AWS, those found by the thumbs:stack tag, with their health')
    .addHelpText('after', `
Health is checked for the stacks that live where this command points (the same backend and
region): ok when every recorded bucket, table and queue exists. Every stack keeps its record in its
own table, so a stack made from another folder or machine is listed too (one ListTables, then one
GetItem per thumbs table). On AWS the Resource Groups Tagging API also finds stacks whose record is
gone (IAM roles are not counted there).

Examples:
  thumbs stacks
  thumbs stacks --local
  thumbs stacks --region eu-west-1 --json | jq '.stacks[] | select(.health != "ok")'`)
    .action(async (_options: object, command: Command) => {
      const { stacks, stacksWithoutBackend } = await import('../../actions/stacks.js');
      const settings = settingsOf(command, runtime);
      const result = await withContext(command, runtime, (ctx) => stacks(ctx)).catch((error: unknown) => {
        // Listing the state files needs no backend; only their health does.
        if (!isThumbsError(error) || error.code !== 'local-backend-not-running') throw error;
        return stacksWithoutBackend(settings.stateDir, 'not checked: `thumbs dev` is not running');
      });
      printResult(settings.json, result, () => renderStacks(result, settings.local));
    });
}
