import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ProvisionResult } from '../../actions/provision.js';
import { functionSettingChoices } from '../../config/function-settings.js';
import { closest } from 'fastest-levenshtein';
import { printResult, renderTable } from '../../output/print.js';
import { STACK_CONFIG_KEYS, type StackConfig, type StackConfigKey } from '../../state/stack-config.js';
import { renderDifference } from '../../resources/resource.js';
import type { Runtime } from '../runtime.js';
import { locked } from '../locked.js';
import { settingsOf, withContext } from '../runtime.js';

/** Every difference, one a line: `thumbnailsBucket.publicAccessBlock: off -> on`. */
export function renderChanges(result: Pick<ProvisionResult, 'resources'>): string {
  return result.resources.flatMap((r) => (r.changes ?? []).map((d) => `${r.status === 'adopted' ? 'drift (adopted, not repaired) ' : ''}${renderDifference(r.kind, d)}`)).join('\n');
}

export function renderProvision(result: ProvisionResult): string {
  const rows = result.resources.map((r) => [r.status, r.kind, r.id, r.note ?? (r.changes ? r.changes.map((d) => d.attribute).join(', ') : '')]);
  const changes = renderChanges(result);
  const created = result.resources.filter((r) => r.status === 'created' || r.status === 'updated').length;
  const summary = result.dryRun
    ? `dry run: ${result.resources.filter((r) => r.status === 'planned').length} to create or change, nothing written`
    : `stack ${result.stack} in ${result.region} (${result.backend}): ${result.resources.length} resources, ${created} created or updated, ${result.seconds.toFixed(1)}s`;
  return `${renderTable(['status', 'resource', 'id', 'note'], rows)}\n${changes ? `${changes}\n` : ''}${summary}`;
}

type ProvisionFlags = Partial<StackConfig> & { dryRun?: boolean; function: boolean; reset?: StackConfigKey[] };

/** `--reset memory,quality` or `--reset all`: names checked now, with the closest one for a typo. */
function resetList(value: string): StackConfigKey[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.includes('all')) return [...STACK_CONFIG_KEYS];
  for (const name of names) {
    if (!(STACK_CONFIG_KEYS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`--reset: "${name}" is not a recorded choice (did you mean "${closest(name, [...STACK_CONFIG_KEYS])}"?); choices: ${STACK_CONFIG_KEYS.join(', ')}, or all.`);
    }
  }
  return names as StackConfigKey[];
}

/**
 * What this run chose: a flag, else its environment variable, else thumbs.config.json (commander
 * records which); THUMBS_CONCURRENCY has no flag. Everything else keeps the recorded value.
 */
function givenChoices(command: Command, options: ProvisionFlags): Partial<StackConfig> {
  const given: Partial<Record<StackConfigKey, unknown>> = {};
  for (const key of STACK_CONFIG_KEYS) {
    const source = command.getOptionValueSource(key);
    const envVar = command.options.find((option) => option.attributeName() === key)?.envVar;
    // An empty variable is unset, as the function reads it.
    const emptyEnv = source === 'env' && envVar !== undefined && process.env[envVar] === '';
    if ((source === 'cli' || source === 'env' || source === 'config') && !emptyEnv) given[key] = options[key];
  }
  const { recordConcurrency } = functionSettingChoices(process.env);
  if (recordConcurrency !== undefined) given.recordConcurrency = recordConcurrency;
  return given as Partial<StackConfig>;
}

/**
 * A recorded choice's option. No commander default, so "not given" keeps the record; the value is
 * parsed by the option schema (config/option-schema.ts) before the action, whether from the flag,
 * its variable or thumbs.config.json.
 */
function choice(flags: string, description: string, env?: string): Option {
  const option = new Option(flags, description);
  return env ? option.env(env) : option;
}

export function registerProvision(program: Command, runtime: Runtime): void {
  program
    .command('provision')
    .description('create the pipeline, or bring it back to its recorded configuration (idempotent: a re-run changes nothing)')
    .option('--dry-run', 'show what would be created or changed, write nothing')
    .addOption(choice('--originals-bucket <name>', 'use this existing bucket for originals (never modified or deleted)'))
    .addOption(choice('--thumbnails-bucket <name>', 'use this existing bucket for thumbnails (never modified or deleted)'))
    .addOption(choice('--timeout <seconds>', 'function timeout; the queue visibility timeout is 6x this (default 30)'))
    .addOption(choice('--arch <arch>', 'function architecture: x86_64 (default) or arm64 (sharp binaries are packaged to match)'))
    .addOption(choice('--memory <mb>', 'function memory in MB, 1,769 MB is one vCPU (default 1024)'))
    .addOption(choice('--role-arn <arn>', 'use this existing execution role (never changed or deleted) instead of creating thumbs-<stack>-fn'))
    .addOption(choice('--trigger <mode>', 'sqs (default): upload queues one message per image; s3: the originals bucket notifies the queue itself'))
    .addOption(choice('--max-concurrency <n>', 'most function instances the SQS trigger runs at once; lab accounts cap near 10 (default 5)'))
    .addOption(choice('--batch-window <seconds>', 'how long the trigger gathers messages before invoking (default 1)'))
    .addOption(choice('--renditions <list>', 'thumbnails to make, format:size,... (default webp:128,webp:512,webp:1024)', 'THUMBS_RENDITIONS'))
    .addOption(choice('--quality <n>', 'encoder quality 1-100 (default 80)', 'THUMBS_QUALITY'))
    .addOption(choice('--max-pixels <n>', 'largest accepted image in pixels, width x height (default 100,000,000)', 'THUMBS_MAX_PIXELS'))
    .addOption(choice('--max-bytes <n>', 'largest accepted original in bytes (default 52,428,800)', 'THUMBS_MAX_BYTES'))
    .option('--reset <choices>', `put recorded choices back to their default: a comma list of ${STACK_CONFIG_KEYS.join(', ')}, or all`, resetList)
    .option('--no-function', 'only the data side: buckets, table and queues (this run only; status then expects no function)')
    .addHelpText('after', `
Every choice above (by flag, its environment variable, or thumbs.config.json) is recorded in the
stack's state (.thumbs/<stack>.json, "config"); a later provision without the flag keeps it, and
one with another value prints "attribute: old -> new" before changing it. --reset puts a choice
back to its default (an adopted bucket or role back to thumbs' own). THUMBS_CONCURRENCY is recorded too.

Every attribute thumbs sets is compared with what is there, and each difference is repaired and printed
as "resource.attribute: old -> new"; --dry-run prints the same plan and writes nothing. Adopted
resources (--originals-bucket, --thumbnails-bucket, --role-arn) are never changed: their drift is only
reported. A resource with the stack's name but not its thumbs:stack tag is refused, never taken over.

On the embedded backend (--local) only the data side is created: the local worker plays Lambda,
with the stack's recorded function settings (renditions, quality, limits).
When CreateRole is denied (AWS Academy lab accounts) and a role named LabRole exists, it is used.

Examples:
  thumbs provision --local                         on the embedded backend (start \`thumbs dev\` first)
  thumbs provision --dry-run                       show the plan against your AWS account
  thumbs provision --arch arm64 --memory 2048      Graviton function with more CPU (kept by later runs)
  thumbs provision --renditions jpeg:200,webp:800 --quality 70
  thumbs provision --reset memory,quality          back to 1024 MB and quality 80
  thumbs provision --trigger s3                    S3 notifies the queue; upload sends no messages
  thumbs provision --role-arn arn:aws:iam::123456789012:role/LabRole
  thumbs provision --endpoint-url http://localhost:4566   on LocalStack`)
    .action(async (options: ProvisionFlags, command: Command) => {
      const given = givenChoices(command, options);
      const result = await withContext(command, runtime, locked('provision', async (ctx) =>
        (await import('../../actions/provision-configured.js')).provisionConfigured(ctx, {
          dryRun: options.dryRun,
          function: options.function,
          given,
          reset: options.reset ?? [],
        }),
      { skip: options.dryRun }));
      printResult(settingsOf(command, runtime).json, result, () => renderProvision(result));
    });
}
