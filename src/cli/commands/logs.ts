import { InvalidArgumentError, type Command } from 'commander';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { claimInterrupt } from '../interrupt.js';
import { sinceTime } from './parse.js';

interface LogsFlags {
  follow?: boolean;
  since?: number;
  filter?: string;
  key?: string;
}

const DEFAULT_SINCE_MS = 3_600_000;

/** An empty key matches no record, so `--key ""` (often an unset shell variable) would print nothing and exit 0. */
export function imageKeyOption(value: string): string {
  if (value === '') throw new InvalidArgumentError('--key takes an image key such as "holiday/beach 1.jpg", not an empty string.');
  return value;
}

export function registerLogs(program: Command, runtime: Runtime): void {
  program
    .command('logs')
    .description("show the function's log: one line per record processed (key, status, time taken, error)")
    .option('-f, --follow', 'keep printing new lines as they arrive, until Ctrl-C')
    .option('--since <when>', 'from this long ago (30s, 10m, 2h, 1d) or this ISO date; default 1h', sinceTime('--since'))
    .option('--filter <text>', 'only lines containing this text')
    .option('--key <imageKey>', 'only the records of this image (the key as in `thumbs scan-db`)', imageKeyOption)
    .addHelpText('after', `
On AWS and endpoints it reads the function's CloudWatch log group (FilterLogEvents, every page;
--follow polls every 2 s). On the embedded backend it reads the log file the \`thumbs dev\` worker
writes, .thumbs/local/<stack>.log. --json prints the JSON lines themselves, one per line.

Examples:
  thumbs logs --local --since 10m
  thumbs logs --follow --filter failed
  thumbs logs --key "holiday/beach 1.jpg" --json | jq .ms`)
    .action(async (options: LogsFlags, command: Command) => {
      const settings = settingsOf(command, runtime);
      const { logs } = await import('../../actions/logs.js');
      const { formatRecord } = await import('../../logs/log-record.js');
      const controller = new AbortController();
      // Ctrl-C ends following: the lines printed so far are the result, so it exits 0.
      const release = options.follow ? claimInterrupt(() => controller.abort()) : () => undefined;
      try {
        const { records } = await withContext(command, runtime, (ctx) =>
          logs(ctx, {
            since: options.since ?? Date.now() - DEFAULT_SINCE_MS,
            ...(options.filter !== undefined ? { filter: options.filter } : {}),
            ...(options.key !== undefined ? { key: options.key } : {}),
            follow: options.follow ?? false,
            signal: controller.signal,
            onRecord: ({ record }) => process.stdout.write(`${settings.json ? JSON.stringify(record) : formatRecord(record)}\n`),
          }),
        );
        // On stderr, so that stdout stays the lines themselves (none here).
        if (records === 0 && !options.follow) process.stderr.write(`no log lines${options.key || options.filter ? ' matching' : ''} since ${new Date(options.since ?? Date.now() - DEFAULT_SINCE_MS).toISOString()}; try an earlier --since\n`);
      } finally {
        release();
      }
    });
}
