import type { Command } from 'commander';
import type { DeployResult } from '../../actions/deploy.js';
import { formatBytes, printResult } from '../../output/print.js';
import { ARCHITECTURES, type Architecture } from '../../package/project.js';
import type { Runtime } from '../runtime.js';
import { locked } from '../locked.js';
import { settingsOf, withContext } from '../runtime.js';
import { acceptRecordedChoices, checkedAgainstRecord } from '../recorded-choices.js';
import { oneOf } from './parse.js';

export function renderDeploy(result: DeployResult): string {
  return result.status === 'unchanged'
    ? `${result.function}: code unchanged (CodeSha256 ${result.sha256}), nothing uploaded, ${result.seconds.toFixed(1)}s`
    : `${result.function}: deployed ${formatBytes(result.bytes)} for ${result.arch} (CodeSha256 ${result.sha256}), ${result.seconds.toFixed(1)}s`;
}

export function registerDeploy(program: Command, runtime: Runtime): void {
  acceptRecordedChoices(program.command('deploy'))
    .description('rebuild the function and upload its code if it changed (the fast path after editing lambda/)')
    .option('--arch <arch>', 'x86_64 or arm64; default: the architecture it was provisioned with', oneOf('--arch', ARCHITECTURES))
    .addHelpText('after', `
Only the code is updated; memory, timeout, role and trigger are set by \`thumbs provision\`.
Nothing is uploaded when the zip's SHA-256 equals the deployed CodeSha256.

Examples:
  thumbs deploy
  thumbs deploy --stack photos --verbose`)
    .action(async (options: { arch?: Architecture }, command: Command) => {
      const result = await withContext(command, runtime, checkedAgainstRecord(command, locked('deploy', async (ctx) => (await import('../../actions/deploy.js')).deploy(ctx, { arch: options.arch }))));
      printResult(settingsOf(command, runtime).json, result, () => renderDeploy(result));
    });
}
