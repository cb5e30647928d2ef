import type { Command } from 'commander';
import type { ResourceStatus, StatusResult } from '../../actions/status.js';
import { OBJECT_COUNT_CAP } from '../../config/defaults.js';
import { withThousands } from '../../output/plural.js';
import { formatBytes, printResult, renderTable } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { ThumbsError } from '../../errors.js';
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
    const { items, source, missingFromIndex } = resource.table;
    const how = source === 'scan' ? 'counted' : 'DescribeTable, refreshed every ~6h';
    const outside = missingFromIndex ? `; ${missingFromIndex} not in the time index: \`thumbs provision\` backfills them` : '';
    return `${items} items (${how})${outside}`;
  }
  return '';
}

const driftText = (resource: ResourceStatus) =>
  resource.ownership === 'foreign'
    ? `not tagged thumbs:stack`
    : (resource.drift ?? []).map((d) => `${d.attribute}: ${d.from} -> ${d.to}`).join('; ') || (resource.exists ? 'none' : '-');

const existsText = (exists: boolean | undefined) => (exists === undefined ? '-' : exists ? 'yes' : 'NO');

export function renderStatus(result: StatusResult, local: boolean): string {
  if (!result.provisioned) {
    return `stack ${result.stack}: nothing provisioned (${result.backend}, ${result.region})\nhint: \`thumbs provision${local ? ' --local' : ''}\` creates it`;
  }
  const rows = result.resources.map((r) => [r.kind, r.id, r.origin, existsText(r.exists), driftText(r), describe(r)]);
  const header = `stack ${result.stack} (${result.backend}, ${result.region}, account ${result.account ?? '?'})`;
  const missing = result.resources.filter((r) => r.exists === false).length;
  const drifted = result.resources.filter((r) => r.exists && ((r.drift ?? []).length > 0 || r.ownership === 'foreign')).length;
  const problems = [missing ? `${missing} missing` : '', drifted ? `${drifted} drifted` : ''].filter(Boolean).join(', ');
  const footer = problems ? `\n${problems}: \`thumbs provision\` recreates and repairs what thumbs created (adopted resources are only reported)` : '\nall resources exist and match';
  return `${header}\n${renderTable(['resource', 'id', 'origin', 'exists', 'drift', 'contents'], rows)}${footer}`;
}

export function registerStatus(program: Command, runtime: Runtime): void {
  program
    .command('status')
    .description('show the stack: each recorded resource, whether it exists and drifted, objects per bucket, queue depths, table items (exit 1 if unhealthy)')
    .option('--watch', 'redraw every 2 s: queue, dead-letter queue, items done and failed, rate, time left (one JSON line per tick with --json)')
    .addHelpText('after', `
Object counts stop at ${withThousands(OBJECT_COUNT_CAP)} (shown with "+"). A small table is counted with a COUNT scan;
a large one shows DescribeTable's ItemCount, which AWS refreshes about every 6 hours. Items outside
the time index (never shown by the gallery or scan-db --limit/--status) are reported: the table's
count against the index's; \`thumbs provision\` backfills them.

Each recorded resource is read again: whether it exists, whether thumbs created or adopted it,
and every attribute thumbs sets that differs from what it set (drift).
Exit codes: 0 when everything exists and matches; 1 when something is missing or drifted, or
nothing is provisioned (so \`thumbs status\` serves as a health check in scripts).

Examples:
  thumbs status --local
  thumbs status --local --watch
  thumbs status --stack demo --json | jq '.resources[] | select(.kind == "deadLetterQueue") | .queue'`)
    .action(async (options: { watch?: boolean }, command: Command) => {
      const settings = settingsOf(command, runtime);
      if (options.watch) return (await import('./status-watch.js')).runWatch(command, runtime, settings);
      const result = await withContext(command, runtime, async (ctx) => (await import('../../actions/status.js')).status(ctx));
      printResult(settings.json, result, () => renderStatus(result, settings.local));
      if (!result.healthy) {
        const what = result.provisioned ? 'something is missing or drifted' : 'nothing is provisioned';
        throw new ThumbsError('stack-unhealthy', `stack ${result.stack}: ${what}`, { hint: '`thumbs provision` creates and repairs it.', resultPrinted: true });
      }
    });
}
