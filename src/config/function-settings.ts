import { ConfigError, loadConfig } from '../../lambda/config.js';
import { usageError } from '../errors.js';

/** The function's own settings (README "Configuration"), passed to Lambda and to the local worker. */
export const FUNCTION_SETTINGS = ['THUMBS_RENDITIONS', 'THUMBS_QUALITY', 'THUMBS_MAX_PIXELS', 'THUMBS_MAX_BYTES', 'THUMBS_CONCURRENCY'] as const;

/**
 * The function settings given in this environment, checked with the function's own parser, so a
 * bad value is a usage error naming the variable now, not a failed cold start or a crashed worker.
 */
export function functionSettings(env: Record<string, string | undefined>): Record<string, string> {
  const given = Object.fromEntries(
    FUNCTION_SETTINGS.flatMap((name) => (env[name] ? [[name, env[name] as string]] : [])),
  );
  try {
    loadConfig({ THUMBS_THUMBNAILS_BUCKET: 'checked', THUMBS_TABLE: 'checked', ...given });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw usageError('bad-function-setting', error.message, 'Fix the variable, or unset it to use the default (README "Configuration").');
  }
  return given;
}
