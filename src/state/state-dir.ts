import path from 'node:path';
import { ExitCode, ThumbsError } from '../errors.js';

/** Where the state folder's path came from, for messages: the variable, the config file, or the default. */
export function stateDirSource(env: Record<string, string | undefined>, file: { stateDir?: unknown }): string {
  if (env.THUMBS_STATE_DIR) return 'from THUMBS_STATE_DIR';
  if (typeof file.stateDir === 'string' && file.stateDir) return 'from "stateDir" in thumbs.config.json';
  return 'the default';
}

const NOT_WRITABLE: Record<string, string> = { EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system' };

/**
 * A state folder thumbs may not write (its lock, state file or upload journal) is the user's to fix,
 * not a bug: one line naming the folder, where its path came from, and the permission that failed.
 */
export function explainStateDirError(error: unknown, stateDir: string, source: string): unknown {
  const e = error as NodeJS.ErrnoException | undefined;
  const why = NOT_WRITABLE[e?.code ?? ''];
  if (!why || typeof e?.path !== 'string') return error;
  const folder = path.resolve(stateDir);
  const at = path.resolve(e.path);
  if (at !== folder && !at.startsWith(`${folder}${path.sep}`)) return error;
  return new ThumbsError('state-dir-not-writable', `state folder ${stateDir} (${source}) is not writable: ${why} (${e.code}) on ${e.syscall ?? 'access'} ${e.path}`, {
    hint: `Make it writable (chmod u+w ${stateDir}), or set THUMBS_STATE_DIR to a folder you can write; then run again.`,
    exitCode: ExitCode.usage,
    cause: error,
  });
}
