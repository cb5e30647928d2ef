import os from 'node:os';
import path from 'node:path';

/**
 * thumbs's own cache folder, in the user's places, never in the install folder (which a global
 * install may not let the user write): $XDG_CACHE_HOME/thumbs, else ~/.cache/thumbs, else the
 * temporary folder when there is no home.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'thumbs');
  const home = os.homedir();
  return home ? path.join(home, '.cache', 'thumbs') : path.join(os.tmpdir(), 'thumbs-cache');
}
