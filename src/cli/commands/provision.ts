import type { Command } from 'commander';
import type { ProvisionResult } from '../../actions/provision.js';
import { printResult, renderTable } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { positiveInt } from './parse.js';

export function renderProvision(result: ProvisionResult): string {
  const rows = result.resources.map((r) => [r.status, r.kind, r.id, r.note ?? '']);
  const created = result.resources.filter((r) => r.status === 'created' || r.status === 'updated').length;
  const summary = result.dryRun
    ? `dry run: ${result.resources.filter((r) => r.status === 'planned').length} to create or change, nothing written`
    : `stack ${result.stack} in ${result.region} (${result.backend}): ${result.resources.length} resources, ${created} created or updated, ${result.seconds.toFixed(1)}s`;
  return `${renderTable(['status', 'resource', 'id', 'note'], rows)}\n${summary}`;
}

export function registerProvision(program: Command, runtime: Runtime): void {
  program
    .command('provision')
    .description('create the pipeline: buckets, metadata table, queue + dead-letter queue (idempotent: a re-run changes nothing)')
    .option('--dry-run', 'show what would be created or changed, write nothing')
    .option('--originals-bucket <name>', 'use this existing bucket for originals (never modified or deleted)')
    .option('--thumbnails-bucket <name>', 'use this existing bucket for thumbnails (never modified or deleted)')
    .option('--timeout <seconds>', 'function timeout; the queue visibility timeout is 6x this', positiveInt('--timeout'), 30)
    .addHelpText('after', `
Examples:
  thumbs provision --local            on the embedded backend (start \`thumbs dev\` first)
  thumbs provision --dry-run          show the plan against your AWS account
  thumbs provision --endpoint-url http://localhost:4566   on LocalStack`)
    .action(async (options: { dryRun?: boolean; originalsBucket?: string; thumbnailsBucket?: string; timeout: number }, command: Command) => {
      const result = await withContext(command, runtime, async (ctx) =>
        (await import('../../actions/provision.js')).provision(ctx, {
          dryRun: options.dryRun,
          originalsBucket: options.originalsBucket,
          thumbnailsBucket: options.thumbnailsBucket,
          functionTimeoutSeconds: options.timeout,
        }),
      );
      printResult(settingsOf(command, runtime).json, result, () => renderProvision(result));
    });
}
