import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { closestName, OPTION_SCHEMA, problemWith } from './option-schema.js';
import type { ConfigFile } from './settings.js';

export const CONFIG_FILE_NAME = 'thumbs.config.json';

/** Reads ./thumbs.config.json when present; a malformed file is a usage error naming it. */
export async function loadConfigFile(cwd: string): Promise<ConfigFile> {
  const file = path.join(cwd, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as ConfigFile;
  } catch (error) {
    throw usageError('bad-config-file', `${file} is not a JSON object (${(error as Error).message})`, 'Fix or remove the file.');
  }
}

/** What the file may hold besides the schema's keys: every command's options, by camelCase name. */
export interface KnownOption {
  name: string;
  /** A flag without a value (--dry-run, --no-function): the file must give true or false. */
  boolean: boolean;
}

/**
 * Checked before any command runs: an unknown key (a typo such as "stak") is a usage error naming
 * the closest known key, and a value of the wrong type or shape one naming the key and the rule.
 * Values of command options without a schema entry are parsed by their flag's parser when applied.
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
