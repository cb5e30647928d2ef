import { Option, type Command } from 'commander';
import { CONFIG_FILE_NAME } from '../config/config-file.js';
import { choiceOf, flagName, showValue, STACK_CONFIG_KEYS } from '../config/stack-choices.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import type { StackConfigKey } from '../state/stack-config.js';

/**
 * Provision-time choices (renditions, max-bytes, memory...) belong to the stack: every other
 * command reads them from its record. Given to another command, by flag, variable or
 * thumbs.config.json, one would otherwise be silently ignored (`THUMBS_RENDITIONS=webp:200 thumbs
 * reprocess` rendering with the recorded renditions); so it is accepted when it says what is
 * recorded, and otherwise a usage error naming the recorded value and `provision`.
 */

const PROVISION_TIME = STACK_CONFIG_KEYS.filter((key) => choiceOf(key).provisionTime);

/** The provision-time flags and variables, hidden from this command's help, so they can be checked. */
export function acceptRecordedChoices(command: Command): Command {
  for (const key of PROVISION_TIME) {
    const { flag, env } = choiceOf(key);
    const option = new Option(flag).hideHelp();
    command.addOption(env ? option.env(env) : option);
  }
  return command;
}

export interface GivenChoice {
  key: StackConfigKey;
  /** Parsed by the option schema, as provision would record it. */
  value: unknown;
  /** `--renditions webp:200`, `THUMBS_RENDITIONS=webp:200` or `thumbs.config.json "renditions"`. */
  where: string;
}

/** The provision-time choices this command was given, and where. */
export function givenRecordedChoices(command: Command): GivenChoice[] {
  return PROVISION_TIME.flatMap((key) => {
    const source = command.getOptionValueSource(key);
    const value: unknown = command.getOptionValue(key);
    const { env } = choiceOf(key);
    if (value === undefined || value === '') return [];
    const raw = source === 'env' && env ? process.env[env] ?? '' : String(value);
    if (source === 'env' && env) return raw === '' ? [] : [{ key, value, where: `${env}=${raw}` }];
    if (source === 'config') return [{ key, value, where: `${CONFIG_FILE_NAME} "${key}"` }];
    if (source === 'cli') return [{ key, value, where: `${flagName(key)} ${raw}` }];
    return [];
  });
}

/** The command line that changes the stack instead, for the hint. */
function provisionLine(ctx: Context, given: readonly GivenChoice[]): string {
  const { stack } = ctx.settings;
  const flags = [
    ...(stack === 'default' ? [] : [`--stack ${stack}`]),
    ...(ctx.target.backend === 'embedded' ? ['--local'] : []),
    ...given.map((choice) => `${flagName(choice.key)} ${String(choice.value)}`),
  ];
  return `thumbs provision ${flags.join(' ')}`;
}

/**
 * Wraps an action that reads the stack's settings: when a provision-time choice was given that
 * differs from the record, the action does not run. Nothing is read when none was given.
 */
export function checkedAgainstRecord<T>(command: Command, action: (ctx: Context) => Promise<T>): (ctx: Context) => Promise<T> {
  const given = givenRecordedChoices(command);
  if (given.length === 0) return action;
  return async (ctx) => {
    const [{ openStack }, { stackSettings }] = await Promise.all([import('../state/open-stack.js'), import('../state/stack-config.js')]);
    const { config, recorded } = stackSettings(await openStack(ctx, { persist: false }));
    const differing = given.filter((choice) => config[choice.key] !== choice.value);
    const first = differing[0];
    if (first) {
      const what = recorded ? `stack ${ctx.settings.stack} records ${first.key} ${showValue(config[first.key])}` : `stack ${ctx.settings.stack} is not provisioned here (default ${first.key} ${showValue(config[first.key])})`;
      throw usageError(
        'choice-not-recorded',
        `${first.where}: ${first.key} is a provision-time choice, and ${what}; \`thumbs ${command.name()}\` uses the recorded one`,
        `To change the stack, run \`${provisionLine(ctx, differing)}\`; otherwise leave out ${differing.map((choice) => choice.where.split(/[= ]/)[0]).join(', ')}.`,
      );
    }
    return action(ctx);
  };
}

/**
 * For `thumbs dev`, which serves every stack with its own record: any provision-time variable is
 * one it would ignore.
 */
export function refuseRecordedChoices(command: Command): void {
  const first = givenRecordedChoices(command)[0];
  if (!first) return;
  throw usageError(
    'choice-not-recorded',
    `${first.where}: ${first.key} is a provision-time choice; \`thumbs dev\` runs each stack with the choices its provision recorded`,
    `Give it to provision instead (\`thumbs provision --local ${flagName(first.key)} ${String(first.value)}\`), and start thumbs dev without it.`,
  );
}
