import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ThumbsError } from '../errors.js';

/** Lambda architectures and the npm `--cpu` value of each. */
export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];
/** What provision, deploy and package build for unless told otherwise (also Lambda's own default). */
export const DEFAULT_ARCH: Architecture = 'x86_64';
export const npmCpuOf = (arch: Architecture): 'x64' | 'arm64' => (arch === 'x86_64' ? 'x64' : 'arm64');

/**
 * The checkout or installed package that holds `lambda/` and `package-lock.json`: the nearest folder
 * above this module with a package.json, whether it runs from src/ (tsx, vitest) or the bundle in dist/cli/.
 */
export function projectRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'lambda'))) return dir;
    if (path.dirname(dir) === dir) {
      throw new ThumbsError('no-project', `cannot find the thumbs folder (with lambda/ and package.json) above ${from}`, {
        hint: 'Run thumbs from its checkout or installed package.',
      });
    }
  }
}

/** The version of thumbs, as its package.json says. */
export function thumbsVersion(root = projectRoot()): string {
  return String((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: unknown }).version);
}

/** The sharp version the lockfile pins, so Lambda runs exactly what the tests ran. */
export function lockedSharpVersion(root: string): string {
  const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
  // The published package carries npm-shrinkwrap.json; a checkout may still have package-lock.json.
  for (const lockfile of ['npm-shrinkwrap.json', 'package-lock.json']) {
    try {
      const lock = read(lockfile) as { packages?: Record<string, { version?: string }> };
      const version = lock.packages?.['node_modules/sharp']?.version;
      if (version) return version;
    } catch {
      // Absent: try the next one, then the installed sharp, which is the pinned one.
    }
  }
  try {
    return String(read('node_modules/sharp/package.json').version);
  } catch (error) {
    throw new ThumbsError('no-sharp-version', 'cannot tell which sharp version to package: not in npm-shrinkwrap.json, package-lock.json nor node_modules', {
      hint: 'Run `npm install` in the thumbs folder first.',
      cause: error,
    });
  }
}
