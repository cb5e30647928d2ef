import type { Command } from 'commander';
import path from 'node:path';
import type { FunctionPackage } from '../../package/build.js';
import { ARCHITECTURES, DEFAULT_ARCH, type Architecture } from '../../package/project.js';
import { formatBytes, printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { reporterFor, settingsOf } from '../runtime.js';
import { oneOf } from './parse.js';

export function renderPackage(result: FunctionPackage): string {
  return [
    `${result.zipPath}  ${formatBytes(result.bytes)} (Lambda allows 50 MB)`,
    `  ${result.arch}, sharp ${result.sharpVersion}${result.stagedNow ? ' (installed now)' : ' (cached)'}, ${result.entries} files, ${result.seconds.toFixed(1)}s`,
    `  CodeSha256 ${result.sha256}`,
  ].join('\n');
}

export function registerPackage(program: Command, runtime: Runtime): void {
  program
    .command('package')
    .description('build the function zip (esbuild bundle + Linux sharp binaries for the architecture) into ./dist/function-<arch>.zip')
    .option('--arch <arch>', `${ARCHITECTURES.join(' or ')}: which Linux sharp binaries go in (default: the stack's recorded architecture, else ${DEFAULT_ARCH})`, oneOf('--arch', ARCHITECTURES))
    .option('--out <folder>', 'the folder for function-<arch>.zip', 'dist')
    .addHelpText('after', `
Works from macOS, Windows or Linux: sharp is installed for linux/<cpu>/glibc into a cache under
$XDG_CACHE_HOME/thumbs (else ~/.cache/thumbs), whatever the host. The same sources give a
byte-identical zip.

Examples:
  thumbs package
  thumbs package --arch arm64 --out build --json`)
    .action(async (options: { arch?: Architecture; out: string }, command: Command) => {
      const settings = settingsOf(command, runtime);
      const { packageFunction } = await import('../../actions/package.js');
      // The state file only (no AWS call): on the embedded backend, where stacks have no Lambda, it is kept under local/.
      const recordedIn = { stateDir: settings.local ? path.join(settings.stateDir, 'local') : settings.stateDir, stack: settings.stack };
      const result = await packageFunction({ reporter: await reporterFor(settings, runtime.terminal) }, { arch: options.arch, outDir: options.out, recordedIn });
      printResult(settings.json, result, () => renderPackage(result));
    });
}
