import type { Command } from 'commander';
import type { BatchDetail, BatchSummary } from '../../actions/batches.js';
import type { NotifyResult } from '../../actions/notify.js';
import { ThumbsError } from '../../errors.js';
import { count } from '../../output/plural.js';
import { printResult, renderTable } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { positiveInt } from './parse.js';

const counts = (b: BatchSummary) => `${b.expected === null ? '? images' : count(b.expected, 'image')}: ${b.done} done, ${b.failed} failed${b.deadLettered ? `, ${b.deadLettered} dead-lettered` : ''}`;
const duration = (b: BatchSummary) => (b.durationSeconds === null ? '-' : `${b.durationSeconds.toFixed(1)}s`);

export function renderBatches(batches: BatchSummary[]): string {
  if (batches.length === 0) return 'no batches yet\nhint: `thumbs upload <folder>` starts one';
  const rows = batches.map((b) => [b.id, b.source, b.startedAt, b.expected ?? 'announcing', b.done, b.failed, b.deadLettered, b.complete ? 'yes' : 'no', duration(b)]);
  return renderTable(['batch', 'source', 'started', 'expected', 'done', 'failed', 'dead-lettered', 'complete', 'duration'], rows);
}

/** The line upload --wait and reprocess --wait end with, and the head of `thumbs batches <id>`. */
export function batchLine(b: BatchSummary): string {
  return `batch ${b.id}: ${counts(b)}${b.complete ? `, complete in ${duration(b)}` : ', not complete'}`;
}

export function renderBatch(b: BatchDetail): string {
  const notProcessed = b.images.filter((i) => i.status !== 'done');
  return [
    batchLine(b),
    `started ${b.startedAt}${b.completedAt ? `, completed ${b.completedAt}` : ''}`,
    ...notProcessed.map((i) => `  ${i.status} ${i.key}${i.error ? `: ${i.error}` : ''}`),
    b.report ? `report: ${b.report.csv} (and .json)` : 'report: written when the batch completes',
    ...Object.entries(b.notifications).map(([target, outcome]) => (outcome === 'ok' ? `notified ${target}` : `not notified ${target}: ${outcome}`)),
  ].join('\n');
}

/** What upload --wait and reprocess --wait followed, as their output says it. */
export interface FollowedWait {
  via?: 'batch' | 'items';
  fallback?: string;
  batch?: BatchSummary | BatchDetail;
  batchReads?: number;
  seconds: number;
  deadLetterDepth: number | undefined;
}

const isDetail = (b: BatchSummary | BatchDetail | undefined): b is BatchDetail => b !== undefined && 'images' in b;

/**
 * The end of a --wait: when it followed the batch to the end, the summary `thumbs batches <id>`
 * prints; when it read each image instead, the line saying why (the caller adds its per-key lines).
 */
export function renderFollowed(wait: FollowedWait): { lines: string[]; complete: boolean } {
  const queue = wait.deadLetterDepth === undefined ? '' : `; dead-letter queue: ${wait.deadLetterDepth} messages`;
  if (wait.via === 'batch' && isDetail(wait.batch)) {
    return { complete: true, lines: [`followed the batch record (${wait.batchReads ?? 0} reads in ${wait.seconds.toFixed(1)}s)${queue}`, renderBatch(wait.batch)] };
  }
  return { complete: false, lines: [...(wait.fallback ? [`read each image: ${wait.fallback}`] : []), ...(wait.batch ? [batchLine(wait.batch)] : [])] };
}

export function registerBatches(program: Command, runtime: Runtime): void {
  program
    .command('batches')
    .argument('[id]', 'one batch, by its id or its start (e.g. the 8 characters upload\'s progress shows): its images, failures with reasons, report and notifications')
    .description('list recent batches (each upload and reprocess run is one), newest first, or show one')
    .option('--limit <n>', 'how many to list, 1-1000 (default 20)', positiveInt('--limit', 1000))
    .addHelpText('after', `
A batch is the images one run announced. The function counts each image once (done, failed, or
dead-lettered after its last delivery), and the delivery that finishes the batch writes its report
to the thumbnails bucket (reports/<batch>.csv and .json) and notifies the targets chosen with
\`thumbs provision --notify\`.

Examples:
  thumbs batches
  thumbs batches 0b6c3c1e-6f0e-4a47-9d7b-8f0d2a3e1c55
  thumbs batches 0b6c3c1e                  the same batch, by the start of its id
  thumbs batches --json | jq '.batches[] | select(.failed > 0) | .id'`)
    .action(async (id: string | undefined, options: { limit?: number }, command: Command) => {
      const { listBatches, showBatch } = await import('../../actions/batches.js');
      const { json } = settingsOf(command, runtime);
      if (id) {
        const detail = await withContext(command, runtime, (ctx) => showBatch(ctx, id));
        printResult(json, detail, () => renderBatch(detail));
        return;
      }
      const result = await withContext(command, runtime, (ctx) => listBatches(ctx, options));
      printResult(json, result, () => renderBatches(result.batches));
    });

  program
    .command('notify')
    .description('show where finished batches are announced; --secret shows the key of the webhook signature')
    .option('--secret', 'print the HMAC-SHA256 key receivers verify X-Thumbs-Signature with')
    .addHelpText('after', `
Targets are chosen with \`thumbs provision --notify <target>\` (repeatable; --notify none removes them).
Each webhook POST carries X-Thumbs-Signature: sha256=<hex HMAC-SHA256 of the body> made with this key.

Examples:
  thumbs notify
  thumbs notify --secret --json | jq -r .secret`)
    .action(async (options: { secret?: boolean }, command: Command) => {
      const { notifySettings } = await import('../../actions/notify.js');
      const { json } = settingsOf(command, runtime);
      const result = await withContext(command, runtime, (ctx) => notifySettings(ctx, options));
      if (options.secret && !result.secret) {
        throw new ThumbsError('no-notify-secret', `stack ${result.stack} has no webhook key yet`, { hint: 'It is generated by `thumbs provision --notify <target>`.' });
      }
      printResult(json, result, () => renderNotify(result));
    });
}

function renderNotify(result: NotifyResult): string {
  if (result.secret) return result.secret;
  return result.targets.length ? result.targets.join('\n') : `stack ${result.stack} notifies nobody\nhint: \`thumbs provision --notify https://…\` or \`--notify email:<address>\``;
}
