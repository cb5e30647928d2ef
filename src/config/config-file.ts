import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
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
