import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ConfigError, loadConfig, type RenditionSpec } from '../../lambda/config.js';
import { settingsHash } from '../../lambda/settings-hash.js';
import { isNotFound } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import { functionSettings } from '../config/function-settings.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import type { OpenStack } from '../state/open-stack.js';

/** The render settings the stack's function uses now, and where they were read. */
export interface CurrentSettings {
  renditions: RenditionSpec[];
  quality: number;
  /** settingsHash of the two: what messages ask for and items record. */
  hash: string;
  /** function: its Lambda environment; environment: THUMBS_* here, as `thumbs dev` reads them; defaults: neither set any. */
  source: 'function' | 'environment' | 'defaults';
}

function fromVariables(variables: Record<string, string | undefined>, source: CurrentSettings['source']): CurrentSettings {
  let config;
  try {
    config = loadConfig({ THUMBS_THUMBNAILS_BUCKET: 'read', THUMBS_TABLE: 'read', ...variables });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ThumbsError('bad-function-setting', `the function's settings are invalid: ${error.message}`, {
      hint: 'Fix them with `thumbs provision` (THUMBS_RENDITIONS, THUMBS_QUALITY), then run this again.',
    });
  }
  const { renditions, quality } = config;
  return { renditions, quality, hash: settingsHash({ renditions, quality }), source };
}

/**
 * The one place reprocess learns the stack's render settings. On AWS and endpoints: the function's
 * environment (GetFunctionConfiguration); on the embedded backend the worker of `thumbs dev` reads
 * THUMBS_RENDITIONS and THUMBS_QUALITY from its environment, so these are read from this one's.
 */
export async function currentRenderSettings(ctx: Context, stack: OpenStack): Promise<CurrentSettings> {
  if (ctx.target.backend === 'embedded') {
    const given = functionSettings(process.env);
    return fromVariables(given, Object.keys(given).length > 0 ? 'environment' : 'defaults');
  }
  const name = stack.store.get('function')?.id ?? stack.names.function;
  try {
    const config = await controlPlane(ctx).lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return fromVariables(config.Environment?.Variables ?? {}, 'function');
  } catch (error) {
    // A stack provisioned with --no-function: whatever function consumes the queue, the defaults are the best guess.
    if (isNotFound(error)) return fromVariables({}, 'defaults');
    throw error;
  }
}
