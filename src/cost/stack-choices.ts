import { parseRenditions } from '../../lambda/config.js';
import type { Settings } from '../config/settings.js';
import type { Architecture } from '../package/project.js';
import { defaultStackConfig, recordedConfig } from '../state/stack-config.js';
import { readState } from '../state/state-file.js';

export interface GivenChoices {
  memorySizes?: number[];
  arch?: Architecture;
  renditions?: string;
  quality?: number;
  /** --region itself, as opposed to a variable or the config file. */
  regionFlag?: string;
}

export interface EstimateChoices {
  memoryMb: number[];
  arch: Architecture;
  region: string;
  regionFrom: string;
  renditions: ReturnType<typeof parseRenditions>;
  quality: number;
  maxPixels: number;
}

/** The region when neither flag, variable nor stack names one: where thumbs' own default points. */
export const DEFAULT_ESTIMATE_REGION = 'us-east-1';

/**
 * What to estimate with: a choice given now, else the stack's recorded one (read from its state
 * file, no AWS call), else the default a new stack would get.
 */
export async function estimateChoices(stateDir: string, settings: Settings, given: GivenChoices, env: NodeJS.ProcessEnv = process.env): Promise<EstimateChoices> {
  const state = await readState(stateDir, settings.stack);
  const config = recordedConfig(state) ?? defaultStackConfig();
  const region = settings.region ?? state?.region ?? DEFAULT_ESTIMATE_REGION;
  const variable = ['THUMBS_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION'].find((name) => env[name]);
  const regionFrom = given.regionFlag
    ? '--region'
    : settings.region === undefined
      ? state ? `stack "${settings.stack}" (recorded region)` : 'default region'
      : variable ? `${variable}=` : '"region" in thumbs.config.json:';
  return {
    memoryMb: given.memorySizes ?? [config.memory],
    arch: given.arch ?? config.arch,
    region,
    regionFrom,
    renditions: parseRenditions(given.renditions ?? config.renditions),
    quality: given.quality ?? config.quality,
    maxPixels: config.maxPixels,
  };
}
