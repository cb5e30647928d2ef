import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { DemoResult } from '../../actions/demo.js';
import { functionSettingChoices } from '../../config/function-settings.js';
import { ThumbsError } from '../../errors.js';
import { projectRoot } from '../../package/project.js';
import { printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { positiveInt } from './parse.js';

async function renderDemo(result: DemoResult): Promise<string> {
  const { renderItemsTable } = await import('../../output/items.js');
  const lines = [
    renderItemsTable(result.items),
    `${result.done} of ${result.images} images processed, ${result.failed.length} failed, ${result.missing.length} missing; ` +
      `processing ${result.processingSeconds.toFixed(1)}s, total ${result.seconds.toFixed(1)}s; stack torn down`,
  ];
  for (const skipped of result.upload.skipped) lines.push(`  skipped ${skipped.path}: ${skipped.reason}`);
  for (const failure of result.failed) lines.push(`  failed ${failure.key}: ${failure.error}`);
  for (const key of result.missing) lines.push(`  missing ${key}`);
  return lines.join('\n');
}

/** ./images when the current folder has one (a checkout); else the sample photos shipped with thumbs. */
function defaultPhotos(): string {
  return existsSync('images') ? 'images' : path.join(projectRoot(), 'images');
}

export function registerDemo(program: Command, runtime: Runtime): void {
  program
    .command('demo')
    .description('the whole pipeline offline in one process: provision, upload, process, scan, tear down (no account, no Docker)')
    .argument('[folder]', 'photos to process, relative to the current folder (default: ./images, else the sample photos shipped with thumbs)')
    .option('--wait-timeout <seconds>', 'give up waiting for processing after this long', positiveInt('--wait-timeout'), 300)
    .addHelpText('after', `
Starts the embedded S3, SQS and DynamoDB emulators on free loopback ports, runs the same handler
that is deployed to Lambda in a local worker, and exits 0 only when every image was processed.

Examples:
  thumbs demo                         the sample photos (./images in a checkout)
  thumbs demo ~/Pictures/holiday      your own folder`)
    .action(async (folder: string | undefined, options: { waitTimeout: number }, command: Command) => {
      const settings = settingsOf(command, runtime);
      const [{ startEmulators }, { embeddedTarget }, { demo }] = await Promise.all([
        import('../../local/emulators.js'),
        import('../../context.js'),
        import('../../actions/demo.js'),
      ]);
      const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-demo-'));
      const emulators = await startEmulators();
      try {
        const result = await withContext(
          command,
          runtime,
          (ctx) => demo(ctx, { folder: folder ?? defaultPhotos(), choices: functionSettingChoices(process.env), waitTimeoutSeconds: options.waitTimeout }),
          embeddedTarget(emulators.endpoints),
          { stateDir, yes: true },
        );
        const text = await renderDemo(result);
        printResult(settings.json, result, () => text);
        if (result.done !== result.images) {
          throw new ThumbsError('demo-incomplete', `${result.images - result.done} of ${result.images} images were not processed`, {
            hint: 'The reasons are listed above.',
            resultPrinted: true,
          });
        }
      } finally {
        await emulators.stop();
        await rm(stateDir, { recursive: true, force: true });
      }
    });
}
