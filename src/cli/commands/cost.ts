import type { Command } from 'commander';
import { printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { sinceTime } from './parse.js';

export function registerCost(program: Command, runtime: Runtime): void {
  program
    .command('cost')
    .description('what the stack\'s processing cost: from what each photo recorded, against the last `thumbs estimate`')
    .option('--since <when>', 'only photos processed since this long ago (30s, 10m, 2h, 1d) or this ISO date; default: all', sinceTime('--since'))
    .addHelpText('after', `
Reads every item of the stack's table: its function time, bytes stored and renditions, priced with
thumbs' price table for the stack's region, memory and architecture (README "What it costs"). On AWS
the Lambda time is the billed duration of the function's REPORT log lines when they can be read;
otherwise, and on the embedded backend (the local worker's times), the items' recorded times,
divided by the records a batch processes at once. Requests are counted as the estimate counts them.

Examples:
  thumbs cost                         everything the stack processed
  thumbs cost --since 1d --json       the last day, for a script
  thumbs cost --local                 the embedded backend's photos, priced as AWS would`)
    .action(async (options: { since?: number }, command: Command) => {
      const result = await withContext(command, runtime, async (ctx) => (await import('../../actions/cost.js')).actualCost(ctx, options));
      const { renderCost } = await import('../../output/cost.js');
      printResult(settingsOf(command, runtime).json, result, () => renderCost(result));
    });
}
