import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ProvisionResult } from '../../actions/provision.js';
import { closest } from 'fastest-levenshtein';
import { choiceOf, helpLine, STACK_CONFIG_KEYS } from '../../config/stack-choices.js';
import { printResult, renderTable } from '../../output/print.js';
import type { StackConfig, StackConfigKey } from '../../state/stack-config.js';
import { renderDifference } from '../../resources/resource.js';
import type { Runtime } from '../runtime.js';
import { locked } from '../locked.js';
import { settingsOf, withContext } from '../runtime.js';
import { positiveInt } from './parse.js';

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

type ProvisionFlags = Partial<StackConfig> & { dryRun?: boolean; function: boolean; reset?: StackConfigKey[]; expect?: number };

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
 * records which). Everything else keeps the recorded value.
 */
function givenChoices(command: Command, options: ProvisionFlags): Partial<StackConfig> {
  const given: Partial<Record<StackConfigKey, unknown>> = {};
  for (const key of STACK_CONFIG_KEYS) {
    const source = command.getOptionValueSource(key);
    const envVar = choiceOf(key).env;
    // An empty variable is unset, as the function reads it.
    const emptyEnv = source === 'env' && envVar !== undefined && process.env[envVar] === '';
    if ((source === 'cli' || source === 'env' || source === 'config') && !emptyEnv) given[key] = options[key];
  }
  return given as Partial<StackConfig>;
}

/**
 * A recorded choice's option, from the table of choices. No commander default, so "not given"
 * keeps the record; the value is parsed by the option schema (config/option-schema.ts) before the
 * action, whether from the flag, its variable or thumbs.config.json.
 */
function choiceOption(key: StackConfigKey): Option {
  const { flag, env } = choiceOf(key);
  const option = new Option(flag, helpLine(key));
  return env ? option.env(env) : option;
}

export function registerProvision(program: Command, runtime: Runtime): void {
  const provisionCommand = program
    .command('provision')
    .description('create the pipeline, or bring it back to its recorded configuration (idempotent: a re-run changes nothing)')
    .option('--dry-run', 'show what would be created or changed, write nothing');
  for (const key of STACK_CONFIG_KEYS) provisionCommand.addOption(choiceOption(key));
  provisionCommand
    .option('--reset <choices>', `put recorded choices back to their default: a comma list of ${STACK_CONFIG_KEYS.join(', ')}, or all`, resetList)
    .option('--no-function', 'only the data side: buckets, table and queues (this run only; status then expects no function)')
    .option('--expect <n>', 'add what n photos a month would cost (measured by the last `thumbs estimate`, else on thumbs\' sample photos)', positiveInt('--expect'))
    .addHelpText('after', `
Every choice above (by flag, its environment variable, or thumbs.config.json by its camelCase
name) is recorded with the stack ("config"); a later provision without the flag keeps it, and
one with another value prints "attribute: old -> new" before changing it. --reset puts a choice
back to its default (an adopted bucket or role back to thumbs' own). Every other command reads
the recorded choices: given to one of them with another value, a choice is a usage error.

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
  thumbs provision --dry-run --expect 100000       the plan, and what 100,000 photos a month cost
  thumbs provision --arch arm64 --memory 2048      Graviton function with more CPU (kept by later runs)
  thumbs provision --renditions jpeg:200,webp:800 --quality 70
  thumbs provision --reset memory,quality          back to 1024 MB and quality 80
  thumbs provision --trigger s3                    S3 notifies the queue; upload sends no messages
  thumbs provision --role-arn arn:aws:iam::123456789012:role/LabRole
  thumbs provision --endpoint-url http://localhost:4566   on LocalStack`)
    .action(async (options: ProvisionFlags, command: Command) => {
      const given = givenChoices(command, options);
      const result = await withContext(command, runtime, locked('provision', async (ctx) => {
        const provisioned = await (await import('../../actions/provision.js')).provision(ctx, {
          ...given,
          dryRun: options.dryRun,
          function: options.function,
          reset: options.reset ?? [],
        });
        const [{ provisionCost }, { stateDirFor }] = await Promise.all([import('../../actions/provision-cost.js'), import('../../state/open-stack.js')]);
        const cost = await provisionCost(stateDirFor(ctx), ctx.settings.stack, provisioned.config, ctx.clients.region, options.expect, ctx.reporter);
        return { ...provisioned, cost };
      },
      { skip: options.dryRun }));
      const { renderProvisionCost } = await import('../../output/cost.js');
      printResult(settingsOf(command, runtime).json, result, () => [renderProvision(result), renderProvisionCost(result.cost)].filter(Boolean).join('\n'));
    });
}
