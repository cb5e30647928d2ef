import type { Command } from 'commander';
import type { UploadResult } from '../../actions/upload.js';
import { DEFAULT_UPLOAD_CONCURRENCY, DEFAULT_WAIT_TIMEOUT_SECONDS, MAX_UPLOAD_CONCURRENCY } from '../../config/defaults.js';
import { formatBytes, printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { locked } from '../locked.js';
import { settingsOf, withContext } from '../runtime.js';
import { acceptRecordedChoices, checkedAgainstRecord } from '../recorded-choices.js';
import { keyPrefix, positiveInt } from './parse.js';
import { ExitCode } from '../../errors.js';
import { claimInterrupt } from '../interrupt.js';
import { count } from '../../output/plural.js';
import { renderFollowed } from './batches.js';

function renderWait(result: UploadResult): string[] {
  const wait = result.wait;
  if (!wait) return [];
  const followed = renderFollowed(wait);
  if (followed.complete) return followed.lines;
  return [
    ...followed.lines,
    `processed: ${wait.done.length} done, ${wait.failed.length} failed, ${wait.deadLettered.length} dead-lettered, ${wait.missing.length} still missing (${wait.seconds.toFixed(1)}s)` +
      (wait.deadLetterDepth === undefined ? '' : `; dead-letter queue: ${wait.deadLetterDepth} messages`),
    ...wait.failed.map((f) => `  failed         ${f.key}: ${f.error}`),
    ...wait.deadLettered.map((d) => `  dead-lettered  ${d.key}: ${d.reason}`),
    ...wait.missing.map((key) => `  missing        ${key}`),
  ];
}

export function renderUpload(result: UploadResult): string {
  const messages = result.messages === 's3-trigger' ? 'S3 notifies the function' : `${count(result.messagesSent, 'message')} sent`;
  const summary = result.dryRun
    ? `dry run: ${result.planned?.filter((p) => p.action === 'upload').length ?? 0} to upload, ${result.planned?.filter((p) => p.action === 'message').length ?? 0} to announce, ${result.planned?.filter((p) => p.action === 'none').length ?? 0} unchanged, ${result.skipped.length} skipped; nothing written`
    : `${result.interrupted ? 'interrupted: ' : ''}${result.uploaded} uploaded (${formatBytes(result.bytes)}), ${result.unchanged} unchanged, ${result.skipped.length} skipped, ${result.failed.length} failed, ${messages}, in ${result.seconds.toFixed(1)}s (bucket ${result.bucket})`;
  return [
    ...(result.planned ?? []).filter((p) => p.action !== 'none').map((p) => `  ${p.action === 'upload' ? 'upload  ' : 'announce'} ${p.path} -> ${p.key}`),
    ...result.skipped.map((s) => `  skipped  ${s.path}: ${s.reason}`),
    ...result.failed.map((f) => `  failed   ${f.path}: ${f.error}`),
    summary,
    ...renderWait(result),
  ].join('\n');
}

interface UploadFlags {
  prefix?: string;
  concurrency: number;
  dryRun?: boolean;
  wait?: boolean;
  waitTimeout: number;
}

export function registerUpload(program: Command, runtime: Runtime): void {
  acceptRecordedChoices(program.command('upload'))
    .argument('<folder>', 'folder of images; subfolders become key prefixes')
    .description('upload a folder of images to the originals bucket and queue one message per image (resumable: a re-run sends only what is missing)')
    .option('--prefix <prefix>', 'put every key under this prefix, e.g. 2024/', keyPrefix('--prefix'))
    .option('--concurrency <n>', `files uploaded at once (1-${MAX_UPLOAD_CONCURRENCY})`, positiveInt('--concurrency', MAX_UPLOAD_CONCURRENCY), DEFAULT_UPLOAD_CONCURRENCY)
    .option('--dry-run', 'list what would be uploaded and skipped, write nothing')
    .option('--wait', 'then follow the run\'s batch until every image is done, failed or dead-lettered (one read per poll), and print it as `thumbs batches <id>` does')
    .option('--wait-timeout <seconds>', 'how long --wait waits', positiveInt('--wait-timeout'), DEFAULT_WAIT_TIMEOUT_SECONDS)
    .addHelpText('after', `
Images are recognised by content (JPEG, PNG, WebP, GIF, AVIF, TIFF); every other file is
listed as skipped with its reason. Symlinks are never followed. Keys are the paths relative
to the folder ("city walks/café+night.jpg"). Objects already in the bucket with the same
content are not uploaded again, and their messages are not sent twice. Ctrl-C starts no new
file, lets the uploads and messages in flight finish (at most a few seconds), records them and
exits 130: the same command then sends one message for each image that has none.

Examples:
  thumbs upload images --local                 upload to the embedded backend (thumbs dev)
  thumbs upload images --local --wait          and wait until every thumbnail is made
  thumbs upload ~/Pictures/trip --prefix trip/ --concurrency 32
  thumbs upload images --dry-run               show what would be uploaded and skipped
  thumbs upload images --json | jq .skipped    machine-readable summary`)
    .action(async (folder: string, options: UploadFlags, command: Command) => {
      const { upload, uploadOutcomeError } = await import('../../actions/upload.js');
      const stop = new AbortController();
      const release = claimInterrupt(() => {
        if (stop.signal.aborted) process.exit(ExitCode.interrupted);
        process.stderr.write('\ninterrupted: finishing the uploads and messages in flight, then stopping (Ctrl-C again to stop at once)\n');
        stop.abort();
      });
      const result = await withContext(command, runtime, checkedAgainstRecord(command, locked('upload', (ctx) =>
        upload(ctx, folder, {
          prefix: options.prefix,
          concurrency: options.concurrency,
          dryRun: options.dryRun,
          wait: options.wait,
          waitTimeoutSeconds: options.waitTimeout,
          signal: stop.signal,
        }),
      { skip: options.dryRun }))).finally(release);
      printResult(settingsOf(command, runtime).json, result, () => renderUpload(result));
      const error = uploadOutcomeError(result);
      if (error) throw error;
    });
}
