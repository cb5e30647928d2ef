import { usageError } from '../errors.js';
import { assertStackName } from '../resources/names.js';
import { assertRegion } from './region.js';

/** Options every command accepts (see `thumbs --help`). */
export interface GlobalFlags {
  stack?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  local?: boolean;
  json?: boolean;
  yes?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

/** The keys thumbs.config.json may hold; any command option may also appear there by its camelCase name. */
export type ConfigFile = GlobalFlags & { stateDir?: string } & Record<string, unknown>;

export interface Settings {
  /** default: "default" */
  stack: string;
  /** undefined: let the SDK resolve it from the profile, else us-east-1 */
  region: string | undefined;
  profile: string | undefined;
  endpointUrl: string | undefined;
  local: boolean;
  json: boolean;
  yes: boolean;
  verbose: boolean;
  quiet: boolean;
  /** Where state files live; default ".thumbs" */
  stateDir: string;
  /** Where the stack name came from ("from --stack", "from THUMBS_STACK", ...), for messages about it. */
  stackFrom?: string;
}

export const DEFAULT_STACK = 'default';
export const DEFAULT_STATE_DIR = '.thumbs';

type Env = Record<string, string | undefined>;

function envFlag(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw usageError('bad-env', `${name}=${raw} is not a boolean`, `Set ${name} to 1 or 0.`);
}

function firstDefined<T>(...values: Array<T | undefined>): T | undefined {
  return values.find((value) => value !== undefined && value !== '');
}

/** Precedence: flags, then environment (THUMBS_*, then AWS_*), then thumbs.config.json, then defaults. */
export function resolveSettings(flags: GlobalFlags, env: Env, file: ConfigFile = {}): Settings {
  const bool = (flag: boolean | undefined, envName: string, fileValue: unknown): boolean =>
    firstDefined(flag, envFlag(env, envName), typeof fileValue === 'boolean' ? fileValue : undefined) ?? false;
  const settings: Settings = {
    stack: firstDefined(flags.stack, env.THUMBS_STACK, file.stack) ?? DEFAULT_STACK,
    region: firstDefined(flags.region, env.THUMBS_REGION, env.AWS_REGION, env.AWS_DEFAULT_REGION, file.region),
    profile: firstDefined(flags.profile, env.THUMBS_PROFILE, env.AWS_PROFILE, file.profile),
    // AWS_ENDPOINT_URL and its per-service forms are resolved per service, as the SDK does (see aws/configured-endpoints.ts).
    endpointUrl: firstDefined(flags.endpointUrl, env.THUMBS_ENDPOINT_URL, file.endpointUrl),
    local: bool(flags.local, 'THUMBS_LOCAL', file.local),
    json: bool(flags.json, 'THUMBS_JSON', file.json),
    yes: bool(flags.yes, 'THUMBS_YES', file.yes),
    verbose: bool(flags.verbose, 'THUMBS_VERBOSE', file.verbose),
    quiet: bool(flags.quiet, 'THUMBS_QUIET', file.quiet),
    stateDir: firstDefined(env.THUMBS_STATE_DIR, file.stateDir) ?? DEFAULT_STATE_DIR,
  };
  if (settings.local && settings.endpointUrl) {
    throw usageError(
      'conflicting-options',
      `--local and --endpoint-url ${settings.endpointUrl} both choose a backend`,
      'Use --local for the embedded backend (thumbs dev), or --endpoint-url for LocalStack or another endpoint, not both.',
    );
  }
  if (settings.endpointUrl !== undefined) assertUrl(settings.endpointUrl);
  if (settings.region !== undefined) assertRegion(settings.region, regionSource(flags, env));
  settings.stackFrom = stackSource(flags, env, file);
  // Checked before any call, so a bad name never costs a credential lookup or a round trip.
  assertStackName(settings.stack, settings.stackFrom);
  return settings;
}

/** Where the stack name came from, as resolveSettings chose it. */
function stackSource(flags: GlobalFlags, env: Env, file: ConfigFile): string {
  if (flags.stack) return 'from --stack';
  if (env.THUMBS_STACK) return 'from THUMBS_STACK';
  return file.stack ? 'from "stack" in thumbs.config.json' : 'the default';
}

/** Names where the region came from, so the message points at what to fix. */
function regionSource(flags: GlobalFlags, env: Env): string {
  if (flags.region) return '--region';
  const variable = ['THUMBS_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION'].find((name) => env[name]);
  return variable ? `${variable}=` : `"region" in thumbs.config.json:`;
}

function assertUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError('bad-endpoint', `--endpoint-url ${value} is not a URL`, 'Give a full URL, e.g. http://localhost:4566');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError('bad-endpoint', `--endpoint-url ${value} must use http or https`, 'e.g. http://localhost:4566');
  }
}
