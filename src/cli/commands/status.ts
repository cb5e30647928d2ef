import type { Command } from 'commander';
import type { ResourceStatus, StatusResult } from '../../actions/status.js';
import { OBJECT_COUNT_CAP } from '../../config/defaults.js';
import { count, withThousands } from '../../output/plural.js';
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

const driftText = (resource: ResourceStatus) => {
  if (resource.ownership === 'foreign') return 'not tagged thumbs:stack';
  const drift = (resource.drift ?? []).map((d) => `${d.attribute}: ${d.from} -> ${d.to}`);
  const unreported = (resource.unreported ?? []).map((d) => `${d.attribute}: not reported by this endpoint`);
  return [...drift, ...unreported].join('; ') || (resource.exists ? 'none' : '-');
};

const existsText = (exists: boolean | undefined) => (exists === undefined ? '-' : exists ? 'yes' : 'NO');
const originText = (r: ResourceStatus) => (r.recorded ? r.origin : 'NOT RECORDED');

const FOUND_BY = { name: "the stack's name", tag: 'tag thumbs:stack', trigger: "trigger of the stack's queue and function" } as const;

function renderExtra(result: StatusResult): string {
  const rows = result.extra.map((e) => [e.kind ?? '?', e.id, FOUND_BY[e.foundBy], e.origin === 'created' ? 'deletes it' : 'keeps it (not made by thumbs)']);
  return renderTable(['resource', 'id', 'found by', 'teardown'], rows);
}

const notesOf = (result: StatusResult) => result.notes.map((n) => `\nnote: ${n}`).join('');

export function renderStatus(result: StatusResult, local: boolean): string {
  const flag = local ? ' --local' : '';
  if (!result.provisioned) {
    if (result.extra.length === 0) {
      return `stack ${result.stack}: nothing provisioned (${result.backend}, ${result.region})${notesOf(result)}\nhint: \`thumbs provision${flag}\` creates it`;
    }
    return [
      `stack ${result.stack}: no state file here, but ${count(result.extra.length, 'resource')} of it found (${result.backend}, ${result.region}, account ${result.account ?? '?'})`,
      renderExtra(result) + notesOf(result),
      `hint: \`thumbs provision${flag}\` records and completes the stack (it takes over only what carries the tag thumbs:stack=${result.stack}); \`thumbs teardown${flag}\` deletes what thumbs made`,
    ].join('\n');
  }
  const rows = result.resources.map((r) => [r.kind, r.id, originText(r), existsText(r.exists), driftText(r), describe(r)]);
  const header = `stack ${result.stack} (${result.backend}, ${result.region}, account ${result.account ?? '?'})`;
  const missing = result.resources.filter((r) => r.exists === false).length;
  const drifted = result.resources.filter((r) => r.exists && (r.drift ?? []).length > 0 && r.ownership !== 'foreign').length;
  const unrecorded = result.resources.filter((r) => r.exists && !r.recorded && r.ownership !== 'foreign').length;
  const problems = [missing ? `${missing} missing` : '', drifted ? `${drifted} drifted` : '', unrecorded ? `${unrecorded} not recorded` : ''].filter(Boolean).join(', ');
  const foreign = result.resources.filter((r) => r.ownership === 'foreign').length;
  const footer = (problems ? `\n${problems}: \`thumbs provision${flag}\` creates, records and repairs what thumbs creates (adopted resources are only reported)` : '') +
    (foreign ? `\n${foreign} not tagged thumbs:stack=${result.stack}: thumbs never takes them over; remove them, adopt them by flag, or choose another --stack` : '');
  const extra = result.extra.length
    ? `\n${count(result.extra.length, 'extra resource')}, not recorded by this stack${result.extra.some((e) => e.foundBy === 'trigger') ? ' (a second trigger processes every image twice)' : ''}:\n${renderExtra(result)}\n` +
      `\`thumbs teardown${flag}\` deletes them with the stack; to keep the stack, delete them yourself`
    : '';
  const ok = problems || extra ? '' : '\nall resources exist and match';
  const renderer = result.rendererUrl ? `\nrenderer: ${result.rendererUrl} (\`thumbs url <key>\` signs a URL for it)` : '';
  return `${header}\n${renderTable(['resource', 'id', 'origin', 'exists', 'drift', 'contents'], rows)}${footer}${extra}${ok}${renderer}${notesOf(result)}`;
}

/** The one line `thumbs status` ends with when the stack is not healthy (exit 1), with what to run next. */
export function unhealthyError(result: StatusResult, local = false): ThumbsError {
  const flag = local ? ' --local' : '';
  const fail = (what: string, hint: string) => new ThumbsError('stack-unhealthy', `stack ${result.stack}: ${what}`, { hint, resultPrinted: true });
  if (!result.provisioned && result.extra.length > 0) {
    return fail(`no state file here, but ${count(result.extra.length, 'resource')} of it found`, `\`thumbs provision${flag}\` records and completes it, or \`thumbs teardown${flag}\` deletes what thumbs made.`);
  }
  if (!result.provisioned) return fail('nothing is provisioned', `\`thumbs provision${flag}\` creates it.`);
  const broken = result.resources.some((r) => !r.recorded || r.exists !== true || r.ownership === 'foreign' || (r.drift ?? []).length > 0);
  if (!broken && !result.resources.some((r) => r.error)) {
    return fail(`${count(result.extra.length, 'resource')} beyond what the stack records`, `\`thumbs teardown${flag}\` deletes them with the stack; to keep the stack, delete them yourself.`);
  }
  return fail('something is missing, unrecorded or drifted', `\`thumbs provision${flag}\` creates, records and repairs it.`);
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

Every resource the stack should have by its recorded choices (the function, its URL and its trigger
unless provisioned with --no-function) is read again: whether it exists, whether it is recorded, whether
thumbs created or adopted it, and every attribute thumbs sets that differs from what it set (drift).
It also looks by the stack's names, its tag and its triggers: what exists beyond the record is "extra".
An attribute this endpoint does not return is "not reported by this endpoint", not drift.
Exit codes: 0 when everything exists, is recorded and matches, and nothing is extra; 1 otherwise, or
when nothing is provisioned (so \`thumbs status\` serves as a health check in scripts).

Examples:
  thumbs status --local
  thumbs status --local --watch
  thumbs status --stack demo --json | jq '.resources[] | select(.kind == "deadLetterQueue") | .queue'
  thumbs status --stack demo --json | jq -r .rendererUrl     # the on-request renderer's base URL`)
    .action(async (options: { watch?: boolean }, command: Command) => {
      const settings = settingsOf(command, runtime);
      if (options.watch) return (await import('./status-watch.js')).runWatch(command, runtime, settings);
      const result = await withContext(command, runtime, async (ctx) => (await import('../../actions/status.js')).status(ctx));
      printResult(settings.json, result, () => renderStatus(result, settings.local));
      if (!result.healthy) throw unhealthyError(result, settings.local);
    });
}
