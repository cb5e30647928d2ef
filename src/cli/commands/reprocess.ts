import type { Command } from 'commander';
import type { ReprocessResult, Selectable } from '../../actions/reprocess.js';
import { DEFAULT_WAIT_TIMEOUT_SECONDS } from '../../config/defaults.js';
import { usageError } from '../../errors.js';
import { printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { locked } from '../locked.js';
import { settingsOf, withContext } from '../runtime.js';
import { acceptRecordedChoices, checkedAgainstRecord } from '../recorded-choices.js';
import { keyPrefix, positiveInt } from './parse.js';
import { renderFollowed } from './batches.js';

interface ReprocessFlags {
  failed?: boolean;
  stale?: boolean;
  missing?: boolean;
  all?: boolean;
  prefix?: string;
  dryRun?: boolean;
  wait?: boolean;
  waitTimeout: number;
}

export function renderReprocess(result: ReprocessResult, countsLine: string): string {
  const lines = [
    countsLine,
    `settings ${result.settings.renditions} q${result.settings.quality} (${result.settings.hash}, from ${result.settings.source})`,
    ...Object.entries(result.examples).flatMap(([reason, keys]) => keys.map((key) => `  ${reason.padEnd(8)} ${key}`)),
    ...(result.selected > Object.values(result.examples).flat().length ? ['  ...'] : []),
    ...result.failed.map((f) => `  not sent ${f.key}: ${f.error}`),
  ];
  if (result.prefix && Object.values(result.counts).every((n) => n === 0)) {
    lines.push(`no originals under ${result.prefix} (a prefix names a folder: keys that start with "${result.prefix}")`);
  }
  if (!result.dryRun) lines.push(`${result.messagesSent} messages sent (bucket ${result.bucket}), ${result.seconds.toFixed(1)}s in all`);
  const wait = result.wait;
  const followed = wait ? renderFollowed(wait) : undefined;
  if (wait && followed?.complete) {
    lines.push(...followed.lines);
    if (wait.otherSettings.length) lines.push(`  ${wait.otherSettings.length} rendered with other settings than ${result.settings.hash}: the function's settings changed meanwhile`);
  } else if (wait) {
    lines.push(
      ...(followed?.lines ?? []),
      `processed: ${wait.done.length} done, ${wait.failed.length} failed, ${wait.missing.length} still missing (${wait.seconds.toFixed(1)}s)` +
        (wait.deadLetterDepth === undefined ? '' : `; dead-letter queue: ${wait.deadLetterDepth} messages`),
      ...wait.failed.map((f) => `  failed   ${f.key}: ${f.error}`),
      ...wait.missing.map((key) => `  missing  ${key}`),
      ...(wait.otherSettings.length ? [`  ${wait.otherSettings.length} rendered with other settings than ${result.settings.hash}: the function's settings changed meanwhile`] : []),
    );
  }
  return lines.join('\n');
}

export function registerReprocess(program: Command, runtime: Runtime): void {
  acceptRecordedChoices(program.command('reprocess'))
    .description('announce again the originals that need work: failed, rendered with other settings (stale), or never processed (missing)')
    .option('--failed', 'originals whose item is recorded failed')
    .option('--stale', "originals rendered with other renditions or quality than the function's current settings")
    .option('--missing', 'originals with no item for their current version (uploaded by another tool, or a lost message)')
    .option('--all', 'every original, rendered again even when current')
    .option('--prefix <folder>', 'only keys in this folder and below, e.g. 2024/ (2024 means the same)', keyPrefix('--prefix'))
    .option('--dry-run', 'count and list examples, send nothing')
    .option('--wait', 'then follow the run\'s batch until every announced image has a new outcome, and print it as `thumbs batches <id>` does')
    .option('--wait-timeout <seconds>', 'how long --wait waits', positiveInt('--wait-timeout'), DEFAULT_WAIT_TIMEOUT_SECONDS)
    .addHelpText('after', `
Without --failed, --stale or --missing it takes all three. The bucket is listed page by page and
each page's items read in batches, so memory stays flat however many originals there are.
A message asks for the current settings (a short hash of renditions and quality); the function
renders an item again when it was made with other settings, even if the original is unchanged.
The current settings are the stack's recorded choices, on every backend: what provision gave the
function, and what the worker of \`thumbs dev\` runs with. To change them, run provision
(\`thumbs provision --renditions webp:200\`), then reprocess; a --renditions or THUMBS_RENDITIONS
given here that differs from the record is refused (exit 2).

Examples:
  thumbs reprocess --dry-run                       counts per reason, nothing sent
  thumbs reprocess --local --wait                  failed, stale and missing, then wait
  thumbs reprocess --missing --prefix 2024/        originals another tool put in the bucket
  thumbs provision --local --renditions webp:200 && thumbs reprocess --stale --local --wait`)
    .action(async (options: ReprocessFlags, command: Command) => {
      const reasons = (['failed', 'stale', 'missing'] as const).filter((reason) => options[reason]) as Selectable[];
      if (options.all && reasons.length > 0) {
        throw usageError('conflicting-options', `--all already takes every original; it cannot be combined with --${reasons.join(', --')}`, 'Use --all alone, or name the reasons you want.');
      }
      const { reprocess, reprocessOutcomeError, countsLine } = await import('../../actions/reprocess.js');
      const result = await withContext(command, runtime, checkedAgainstRecord(command, locked('reprocess', (ctx) =>
        reprocess(ctx, { reasons, all: options.all, prefix: options.prefix, dryRun: options.dryRun, wait: options.wait, waitTimeoutSeconds: options.waitTimeout }),
      { skip: options.dryRun })));
      printResult(settingsOf(command, runtime).json, result, () => renderReprocess(result, countsLine(result)));
      const error = reprocessOutcomeError(result);
      if (error) throw error;
    });
}
