import { closest } from 'fastest-levenshtein';
import { z } from 'zod';
import { ARCHITECTURES } from '../package/project.js';
import { parseFunctionSetting, type FunctionSettingName } from './function-settings.js';
import { isRegionName } from './region.js';
import { normalizeTargets } from '../batches/notify-targets.js';

/**
 * The options' schema, defined once: commander parses each flag with it (zodArg), and
 * thumbs.config.json is checked against it (config-file.ts). A value arrives as a string from a
 * flag, as a string or number from the file; both mean the same.
 */

const fromText = (value: unknown) => (typeof value === 'string' && /^\s*\d[\d_]*\s*$/.test(value) ? Number(value.replace(/_/g, '')) : value);

const wholeNumber = (min: number, max: number) =>
  z.preprocess(fromText, z.number({ error: `takes a whole number from ${min} to ${max}` }).int({ error: `takes a whole number from ${min} to ${max}` }).min(min, { error: `takes a whole number from ${min} to ${max}` }).max(max, { error: `takes a whole number from ${min} to ${max}` }));

const flag = z.boolean({ error: 'takes true or false' });
const text = z.string({ error: 'takes a string' }).min(1, { error: 'takes a non-empty string' });
const oneOf = <T extends string>(values: readonly [T, ...T[]]) => z.enum(values, { error: `takes one of ${values.join(', ')}` });

/** A function setting, by the function's own parser (lambda/config.ts). */
const functionSetting = (name: FunctionSettingName) =>
  z.union([z.string(), z.number()], { error: 'takes a string' }).transform((value, ctx) => {
    try {
      return parseFunctionSetting(name, String(value));
    } catch (error) {
      // The function's message names the variable and value; the option's name is put in front instead.
      ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(new RegExp(`^${name}(="[^"]*")? `), '') });
      return z.NEVER;
    }
  });

/** --notify, repeatable: the recorded targets as one space-separated string, '' for none. */
const notifyTargets = z.union([z.string(), z.array(z.string())], { error: 'takes a target or a list of targets' }).transform((value, ctx) => {
  const result = normalizeTargets(value);
  if ('problem' in result) {
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  }
  return result.value;
});

export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+/;

/** The choices a stack records (stack-config.ts), by their flag's camelCase name. */
export const STACK_CHOICE_SCHEMA = {
  originalsBucket: text,
  thumbnailsBucket: text,
  roleArn: z.string({ error: 'takes a role ARN' }).regex(ROLE_ARN, { error: 'takes a role ARN like arn:aws:iam::123456789012:role/LabRole' }),
  trigger: oneOf(['sqs', 's3']),
  arch: oneOf(ARCHITECTURES as unknown as readonly ['x86_64', 'arm64']),
  memory: wholeNumber(128, 10240),
  timeout: wholeNumber(1, 900),
  maxConcurrency: wholeNumber(2, 1000),
  batchWindow: wholeNumber(0, 300),
  renditions: functionSetting('THUMBS_RENDITIONS'),
  quality: functionSetting('THUMBS_QUALITY'),
  maxPixels: functionSetting('THUMBS_MAX_PIXELS'),
  maxBytes: functionSetting('THUMBS_MAX_BYTES'),
  notify: notifyTargets,
} as const;

/** Options every command accepts, and the state folder (file and THUMBS_STATE_DIR only). */
export const GLOBAL_SCHEMA = {
  stack: text,
  region: z.string({ error: 'takes a region name' }).refine(isRegionName, { error: 'is not an AWS region name (e.g. us-east-1)' }),
  profile: text,
  endpointUrl: z.url({ protocol: /^https?$/, error: 'takes an http(s) URL, e.g. http://localhost:4566' }),
  local: flag,
  json: flag,
  yes: flag,
  verbose: flag,
  quiet: flag,
  stateDir: text,
} as const;

export const OPTION_SCHEMA: Record<string, z.ZodType> = { ...GLOBAL_SCHEMA, ...STACK_CHOICE_SCHEMA };

/** The first problem of a value, as a phrase to put after the option's name. */
export function problemWith(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message ?? 'is invalid';
}

/** The known name closest to a mistyped one, for "did you mean". */
export function closestName(name: string, known: readonly string[]): string | undefined {
  return known.length ? closest(name, [...known]) : undefined;
}
