import type { Command } from 'commander';
import type { ResourceStatus, StatusResult } from '../../actions/status.js';
import { OBJECT_COUNT_CAP } from '../../config/defaults.js';
import { formatBytes, printResult, renderTable } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';

function describe(resource: ResourceStatus): string {
  if (resource.exists === false) return 'missing';
  if (resource.error) return resource.error;
  if (resource.bucket) {
    const { objects, bytes, capped } = resource.bucket;
    return `${objects}${capped ? '+' : ''} objects, ${formatBytes(bytes)}${capped ? '+' : ''}`;
  }
  if (resource.queue) {
    const { visible, inFlight, delayed } = resource.queue;
    return `${visible} waiting, ${inFlight} in flight${delayed ? `, ${delayed} delayed` : ''}`;
  }
  if (resource.table) {
    const how = resource.table.source === 'scan' ? 'counted' : 'DescribeTable, refreshed every ~6h';
    return `${resource.table.items} items (${how})`;
  }
  return 'recorded (not checked)';
}

const existsText = (exists: boolean | undefined) => (exists === undefined ? '-' : exists ? 'yes' : 'NO');

export function renderStatus(result: StatusResult, local: boolean): string {
  if (!result.provisioned) {
    return `stack ${result.stack}: nothing provisioned (${result.backend}, ${result.region})\nhint: \`thumbs provision${local ? ' --local' : ''}\` creates it`;
  }
  const rows = result.resources.map((r) => [r.kind, r.id, r.origin, existsText(r.exists), describe(r)]);
  const header = `stack ${result.stack} (${result.backend}, ${result.region}, account ${result.account ?? '?'})`;
  const missing = result.resources.filter((r) => r.exists === false).length;
  const footer = missing ? `\n${missing} recorded resources are missing; \`thumbs provision\` recreates them` : '';
  return `${header}\n${renderTable(['resource', 'id', 'origin', 'exists', 'contents'], rows)}${footer}`;
}

export function registerStatus(program: Command, runtime: Runtime): void {
  program
    .command('status')
    .description('show the stack: each recorded resource, whether it exists, objects per bucket, queue depths, table items')
    .option('--watch', 'redraw every 2 s: queue, dead-letter queue, items done and failed, rate, time left (one JSON line per tick with --json)')
    .addHelpText('after', `
Object counts stop at ${OBJECT_COUNT_CAP.toLocaleString('en')} (shown with "+"). A small table is counted with a COUNT scan;
a large one shows DescribeTable's ItemCount, which AWS refreshes about every 6 hours.

Examples:
  thumbs status --local
  thumbs status --local --watch
  thumbs status --stack demo --json | jq '.resources[] | select(.kind == "deadLetterQueue") | .queue'`)
    .action(async (options: { watch?: boolean }, command: Command) => {
      const settings = settingsOf(command, runtime);
      if (options.watch) return (await import('./status-watch.js')).runWatch(command, runtime, settings);
      const result = await withContext(command, runtime, async (ctx) => (await import('../../actions/status.js')).status(ctx));
      printResult(settings.json, result, () => renderStatus(result, settings.local));
    });
}
