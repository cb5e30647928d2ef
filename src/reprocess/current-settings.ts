import { parseRenditions, type RenditionSpec } from '../../lambda/config.js';
import { settingsHash } from '../../lambda/settings-hash.js';
import type { OpenStack } from '../state/open-stack.js';
import { stackSettings } from '../state/stack-config.js';

/** The render settings the stack's function uses now, and where they were read. */
export interface CurrentSettings {
  renditions: RenditionSpec[];
  quality: number;
  /** settingsHash of the two: what messages ask for and items record. */
  hash: string;
  /** record: the stack's recorded choices (what provision gave the function, on every backend); defaults: nothing recorded. */
  source: 'record' | 'defaults';
}

/**
 * The one place reprocess learns the stack's render settings: the stack's record, which provision
 * applies to the Lambda function and `thumbs dev` to its worker, so every backend and every
 * command agree. This command's own environment plays no part (given a different value, the CLI
 * refuses it: see cli/recorded-choices.ts).
 */
export function currentRenderSettings(stack: OpenStack): CurrentSettings {
  const { config, recorded } = stackSettings(stack);
  // Recorded values were checked by the function's own parser when provision took them.
  const renditions = parseRenditions(config.renditions);
  const { quality } = config;
  return { renditions, quality, hash: settingsHash({ renditions, quality }), source: recorded ? 'record' : 'defaults' };
}
