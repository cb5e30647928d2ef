import path from 'node:path';
import { Option, type Command } from 'commander';
import type { EstimateOptions } from '../../actions/estimate.js';
import { printResult } from '../../output/print.js';
import type { Architecture } from '../../package/project.js';
import type { Runtime } from '../runtime.js';
import { reporterFor, settingsOf } from '../runtime.js';
import { memoryList, positiveInt } from './parse.js';

interface EstimateFlags {
  images?: number;
  memorySizes?: number[];
  arch?: Architecture;
  renditions?: string;
  quality?: number;
  sample: number;
}

/**
 * `--memory` takes a list here, where provision's takes one size: stored under another name, so the
 * one-size rule for a recorded `memory` choice (config/option-schema.ts) does not apply to it.
 */
class MemoryListOption extends Option {
  override attributeName(): string {
    return 'memorySizes';
  }
}

export function registerEstimate(program: Command, runtime: Runtime): void {
  program
    .command('estimate')
    .description('what processing a folder of photos will cost: renders a sample with the function\'s transform and prices it')
    .argument('<folder>', 'the photos to estimate for (a sample of them is rendered)')
    .option('--images <n>', 'price this many photos (default: as many as the folder holds)', positiveInt('--images'))
    .addOption(new MemoryListOption('--memory <mb>', 'function memory in MB, or a comma list to compare, e.g. 512,1024,1769,2048,3008 (default: the stack\'s, else 1024)').argParser(memoryList('--memory')))
    .option('--arch <arch>', 'x86_64 or arm64 (default: the stack\'s, else x86_64)')
    .addOption(new Option('--renditions <list>', 'thumbnails to make, format:size,... (default: the stack\'s, else webp:128,webp:512,webp:1024)').env('THUMBS_RENDITIONS'))
    .addOption(new Option('--quality <n>', 'encoder quality 1-100 (default: the stack\'s, else 80)').env('THUMBS_QUALITY'))
    .option('--sample <n>', 'render at most this many photos, spread evenly over the folder', positiveInt('--sample', 1000), 40)
    .addHelpText('after', `
Renders up to --sample photos of the folder (all of them when there are fewer) with the function's
own transform, here, one at a time, and measures CPU time, thumbnail bytes, the DynamoDB item, the
SQS message and the log lines per photo. Lambda time is that CPU time scaled by the share of a vCPU
the memory size buys (one full vCPU at 1,769 MB). Prices come from thumbs' dated price table
(README "What it costs"); --region picks the region (default: the stack's, else us-east-1).
Nothing is deployed and no AWS call is made. Where the stack exists, its recorded renditions,
quality, memory and architecture are used; the result is kept for \`thumbs provision\`, which says so
when the stack's memory costs much more than the cheapest size found.

Examples:
  thumbs estimate ./images                              the folder's photos, the stack's settings
  thumbs estimate ./photos --images 1000000             a million photos like these
  thumbs estimate ./photos --memory 512,1024,1769,2048,3008   the cheapest and fastest size
  thumbs estimate ./photos --arch arm64 --region eu-west-1
  thumbs estimate ./photos --json | jq .perImage.total`)
    .action(async (folder: string, options: EstimateFlags, command: Command) => {
      const settings = settingsOf(command, runtime);
      const [{ estimate }, { estimateChoices }] = await Promise.all([import('../../actions/estimate.js'), import('../../cost/stack-choices.js')]);
      const stateDir = settings.local ? path.join(settings.stateDir, 'local') : settings.stateDir;
      // thumbs.config.json's "memory" is provision's one size; it is a given choice here too, as there.
      const fileMemory = Number(runtime.config.memory);
      const memorySizes = options.memorySizes ?? (Number.isInteger(fileMemory) && fileMemory > 0 ? [fileMemory] : undefined);
      const choices = await estimateChoices(stateDir, settings, { ...options, memorySizes, regionFlag: command.optsWithGlobals<{ region?: string }>().region });
      const input: EstimateOptions = { folder, images: options.images, sampleBound: options.sample, record: { stateDir, stack: settings.stack }, ...choices };
      const result = await estimate(input, await reporterFor(settings, runtime.terminal));
      const { renderEstimate } = await import('../../output/cost.js');
      printResult(settings.json, result, () => renderEstimate(result));
    });
}
