import { ConfigError, loadConfig, type ThumbsConfig } from '../../lambda/config.js';
import { usageError } from '../errors.js';

/** The function's own settings (README "Stack choices"), passed to Lambda and to the local worker. */
export const FUNCTION_SETTINGS = ['THUMBS_RENDITIONS', 'THUMBS_QUALITY', 'THUMBS_MAX_PIXELS', 'THUMBS_MAX_BYTES', 'THUMBS_CONCURRENCY'] as const;
export type FunctionSettingName = (typeof FUNCTION_SETTINGS)[number];

/** The settings as a stack records them: renditions normalised (`jpg` is `jpeg`), numbers as numbers. */
export interface FunctionSettingValues {
  renditions: string;
  quality: number;
  maxPixels: number;
  maxBytes: number;
  /** THUMBS_CONCURRENCY: records of a batch processed at once (not upload's --concurrency). */
  recordConcurrency: number;
}

/** Which variable carries which recorded setting (the same names as the choices' variables in stack-choices.ts). */
export const FUNCTION_SETTING_KEYS: Record<FunctionSettingName, keyof FunctionSettingValues> = {
  THUMBS_RENDITIONS: 'renditions',
  THUMBS_QUALITY: 'quality',
  THUMBS_MAX_PIXELS: 'maxPixels',
  THUMBS_MAX_BYTES: 'maxBytes',
  THUMBS_CONCURRENCY: 'recordConcurrency',
};

/** The function's parser, with placeholders for the two variables thumbs always sets itself. */
function parse(given: Record<string, string>): ThumbsConfig {
  return loadConfig({ THUMBS_THUMBNAILS_BUCKET: 'checked', THUMBS_TABLE: 'checked', ...given });
}

function valuesOf(config: ThumbsConfig): FunctionSettingValues {
  return {
    renditions: config.renditions.map((r) => `${r.format}:${r.size}`).join(','),
    quality: config.quality,
    maxPixels: config.maxPixels,
    maxBytes: config.maxBytes,
    recordConcurrency: config.concurrency,
  };
}

/**
 * The function settings given in this environment, checked with the function's own parser, so a
 * bad value is a usage error naming the variable now, not a failed cold start or a crashed worker.
 */
export function functionSettings(env: Record<string, string | undefined>): Record<string, string> {
  const given = Object.fromEntries(
    FUNCTION_SETTINGS.flatMap((name) => (env[name] ? [[name, env[name] as string]] : [])),
  );
  try {
    parse(given);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw usageError('bad-function-setting', error.message, 'Fix the variable, or unset it to use the default (README "Stack choices").');
  }
  return given;
}

/** The settings this environment gives, as recorded values: only those given. */
export function functionSettingChoices(env: Record<string, string | undefined>): Partial<FunctionSettingValues> {
  const given = functionSettings(env);
  const values = valuesOf(parse(given));
  return Object.fromEntries(Object.keys(given).map((name) => {
    const key = FUNCTION_SETTING_KEYS[name as FunctionSettingName];
    return [key, values[key]];
  }));
}

/** The variables the function (on Lambda or in the local worker) gets for recorded settings. */
export function functionEnvironment(values: FunctionSettingValues): Record<FunctionSettingName, string> {
  return Object.fromEntries(FUNCTION_SETTINGS.map((name) => [name, String(values[FUNCTION_SETTING_KEYS[name]])])) as Record<FunctionSettingName, string>;
}

/**
 * One setting's value by the function's own parser, so a flag (`--quality`), the variable and the
 * function accept exactly the same values; throws ConfigError naming the variable.
 */
export function parseFunctionSetting<K extends keyof FunctionSettingValues>(name: FunctionSettingName, value: string): FunctionSettingValues[K] {
  return valuesOf(parse({ [name]: value }))[FUNCTION_SETTING_KEYS[name]] as FunctionSettingValues[K];
}
