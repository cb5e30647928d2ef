import type { Command } from 'commander';
import { printResult } from '../../output/print.js';
import { untilInterrupted } from '../interrupt.js';
import type { Runtime } from '../runtime.js';
import { reporterFor, settingsOf } from '../runtime.js';

export function registerDev(program: Command, runtime: Runtime): void {
  program
    .command('dev')
    .description('run the embedded offline backend (S3, SQS, DynamoDB emulators) in the foreground; other commands use it with --local')
    .addHelpText('after', `
It listens on free ports of 127.0.0.1 only, and writes the endpoints to .thumbs/local.json.
Everything is in memory: stopping it (Ctrl-C) forgets every bucket, queue and table.

Example, in a second terminal:
  thumbs provision --local && thumbs upload images --local --wait && thumbs gallery --local`)
    .action(async (_options: object, command: Command) => {
      const settings = settingsOf(command, runtime);
      const reporter = reporterFor(settings, runtime.terminal);
      const [{ startEmulators }, { localFilePath, removeLocalEndpoints, writeLocalEndpoints }] = await Promise.all([
        import('../../local/emulators.js'),
        import('../../local/local-file.js'),
      ]);
      const emulators = await startEmulators();
      await writeLocalEndpoints(settings.stateDir, emulators.endpoints);
      printResult(settings.json, emulators.endpoints, () =>
        [
          `embedded backend running (pid ${process.pid})`,
          `  S3 + SQS   ${emulators.endpoints.s3}`,
          `  DynamoDB   ${emulators.endpoints.dynamodb}`,
          `  endpoints written to ${localFilePath(settings.stateDir)}`,
          'use --local with any command; Ctrl-C to stop',
        ].join('\n'),
      );
      await untilInterrupted();
      reporter.info('stopping the embedded backend');
      await removeLocalEndpoints(settings.stateDir);
      await emulators.stop();
    });
}
