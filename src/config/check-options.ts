import type { Command } from 'commander';
import { usageError } from '../errors.js';
import { CONFIG_FILE_NAME } from './config-file.js';
import { closestName, OPTION_SCHEMA, problemWith } from './option-schema.js';
import type { ConfigFile } from './settings.js';

/**
 * The options' values checked against their one schema (option-schema.ts), wherever they came
 * from: flag, environment variable or thumbs.config.json. Loaded only when a command runs, so
 * `--help` does not pay for the schema library.
 */

/** What the file may hold besides the schema's keys: every command's options, by camelCase name. */
export interface KnownOption {
  name: string;
  /** A flag without a value (--dry-run, --no-function): the file must give true or false. */
  boolean: boolean;
}

/** Every option of every command, for checking thumbs.config.json's keys. */
export function optionsOf(program: Command): KnownOption[] {
  return [program, ...program.commands].flatMap((command) =>
    command.options.map((option) => ({ name: option.attributeName(), boolean: !option.required && !option.optional })),
  );
}

/**
 * An unknown key (a typo such as "stak") is a usage error naming the closest known key, and a
 * value of the wrong type or shape one naming the key and the rule. Values of command options
 * without a schema entry are parsed by their flag's parser when applied.
 */
export function validateConfigFile(config: ConfigFile, commandOptions: readonly KnownOption[]): void {
  const known = new Map<string, KnownOption>(commandOptions.map((option) => [option.name, option]));
  const names = [...new Set([...Object.keys(OPTION_SCHEMA), ...known.keys()])].sort();
  for (const [key, value] of Object.entries(config)) {
    const schema = OPTION_SCHEMA[key];
    if (!schema && !known.has(key)) {
      throw usageError('unknown-config-key', `${CONFIG_FILE_NAME}: unknown key "${key}"`, `Did you mean "${closestName(key, names)}"? Keys are option names in camelCase (see --help), e.g. "stack", "region", "memory".`);
    }
    const problem = schema ? problemWith(schema, value) : known.get(key)?.boolean && typeof value !== 'boolean' ? 'takes true or false' : undefined;
    if (problem !== undefined) {
      throw usageError('bad-config-file', `${CONFIG_FILE_NAME}: "${key}" ${problem}, not ${JSON.stringify(value)}`, `Fix or remove "${key}" in ${CONFIG_FILE_NAME}.`);
    }
  }
}

/**
 * The action command's options that have a schema entry, parsed by it (a number from text, the
 * function's own parser for renditions and limits): a bad one is a usage error naming the flag,
 * the variable or the file it came from.
 */
export function parseCommandOptions(command: Command): void {
  for (const option of command.options) {
    const key = option.attributeName();
    const schema = OPTION_SCHEMA[key];
    const source = command.getOptionValueSource(key);
    if (!schema || (source !== 'cli' && source !== 'env' && source !== 'config')) continue;
    const raw: unknown = command.getOptionValue(key);
    const problem = problemWith(schema, raw);
    if (problem !== undefined) {
      const where = source === 'env' ? `${option.envVar}=${String(raw)}:` : source === 'config' ? `${CONFIG_FILE_NAME}: "${key}"` : option.long ?? key;
      const hint = source === 'config' ? `Fix or remove "${key}" in ${CONFIG_FILE_NAME}.` : `See \`thumbs ${command.name()} --help\`.`;
      throw usageError(source === 'config' ? 'bad-config-file' : 'bad-option', `${where} ${problem}${source === 'cli' ? `, not "${String(raw)}"` : ''}`, hint);
    }
    command.setOptionValueWithSource(key, schema.parse(raw), source);
  }
}
