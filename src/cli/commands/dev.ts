import type { Command } from 'commander';
import { printResult } from '../../output/print.js';
import { untilInterrupted } from '../interrupt.js';
import { acceptRecordedChoices, refuseRecordedChoices } from '../recorded-choices.js';
import type { Runtime } from '../runtime.js';
import { reporterFor, settingsOf } from '../runtime.js';

export function registerDev(program: Command, runtime: Runtime): void {
  acceptRecordedChoices(program.command('dev'))
    .description('run the embedded offline backend (S3, SQS, DynamoDB emulators) in the foreground; other commands use it with --local')
    .addHelpText('after', `
It listens on free ports of 127.0.0.1 only, and writes the endpoints to .thumbs/local.json.
One thumbs dev per state folder: a second one exits with 1, naming the running one.
Everything is in memory: stopping it (Ctrl-C) forgets every bucket, queue and table.
Each stack's on-request renderer (what \`thumbs url --local\` and the gallery sign URLs for) is
served on another free port of 127.0.0.1, written to .thumbs/local/<stack>.renderer while dev runs.

Example, in a second terminal:
  thumbs provision --local && thumbs upload images --local --wait && thumbs gallery --local`)
    .action(async (_options: object, command: Command) => {
      const settings = settingsOf(command, runtime);
      const reporter = await reporterFor(settings, runtime.terminal);
      // Each stack's worker runs with the stack's recorded choices: a THUMBS_RENDITIONS here would be ignored.
      refuseRecordedChoices(command);
      const [{ startEmulators }, { claimLocalEndpoints, devAlreadyRunning, localFilePath, probeLocalEndpoints, releaseLocalEndpoints }, { startDevWorkers }, { createContext, embeddedTarget }] =
        await Promise.all([
          import('../../local/emulators.js'),
          import('../../local/local-file.js'),
          import('../../local/dev-workers.js'),
          import('../../context.js'),
        ]);
      // Refused before anything starts; claimLocalEndpoints settles a race between two starting at once.
      const running = await probeLocalEndpoints(settings.stateDir);
      if (running.endpoints && !running.problem) throw devAlreadyRunning(running.file, running.endpoints);
      const emulators = await startEmulators();
      try {
        await claimLocalEndpoints(settings.stateDir, emulators.endpoints);
      } catch (error) {
        await emulators.stop();
        throw error;
      }
      const ctx = await createContext(settings, embeddedTarget(emulators.endpoints), reporter, async () => true);
      const workers = startDevWorkers(ctx, settings.stateDir, {
        log: (level, fields) => {
          if (fields.msg === 'record') reporter.info(`${String(fields.status)} ${String(fields.key)}${fields.reason ? `: ${String(fields.reason)}` : ''}`);
          else if (level !== 'info') reporter.warn(`function: ${JSON.stringify(fields)}`);
        },
        onStart: (stack) => reporter.info(`worker: serving the queue of stack ${stack}`),
        onReconfigure: (stack) => reporter.info(`worker: stack ${stack} has new function settings (recorded by provision)`),
        onRenderer: (stack, url) => reporter.info(`renderer: stack ${stack}'s on-request renderer at ${url} (\`thumbs url <key> --width 780 --local${stack === 'default' ? '' : ` --stack ${stack}`}\` signs a URL)`),
        // A queue vanishing is a teardown racing the state-file check; the worker stops on the next scan.
        onError: (error) => {
          if ((error as Error).name !== 'QueueDoesNotExist') reporter.warn(`worker: ${(error as Error).message}`);
        },
      });
      printResult(settings.json, emulators.endpoints, () =>
        [
          `embedded backend running (pid ${process.pid})`,
          `  S3 + SQS   ${emulators.endpoints.s3}`,
          `  DynamoDB   ${emulators.endpoints.dynamodb}`,
          `  endpoints written to ${localFilePath(settings.stateDir)}`,
          'a worker runs the thumbnail function for every stack provisioned here, and its on-request renderer on 127.0.0.1',
          'use --local with any command; Ctrl-C to stop',
        ].join('\n'),
      );
      await untilInterrupted();
      reporter.info('stopping the embedded backend');
      await releaseLocalEndpoints(settings.stateDir, emulators.endpoints);
      await workers.stop();
      ctx.clients.destroy();
      await emulators.stop();
    });
}
