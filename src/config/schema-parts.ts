import * as z from 'zod/mini';
import { parseFunctionSetting, type FunctionSettingName } from './function-settings.js';
import { normalizeTargets } from '../batches/notify-targets.js';

/**
 * The pieces option schemas are made of. A value arrives as a string from a flag or variable, as a
 * string or number from thumbs.config.json; both mean the same.
 */

const fromText = (value: unknown) => (typeof value === 'string' && /^\s*\d[\d_]*\s*$/.test(value) ? Number(value.replace(/_/g, '')) : value);

const wholeNumber = (min: number, max: number) => {
  const error = `takes a whole number from ${min} to ${max}`;
  return z.pipe(z.transform(fromText), z.int({ error }).check(z.minimum(min, { error }), z.maximum(max, { error })));
};

/** A function setting, by the function's own parser (lambda/config.ts). */
const functionSetting = (name: FunctionSettingName) =>
  z.pipe(z.union([z.string(), z.number()], { error: 'takes a string' }), z.transform((value, ctx) => {
    try {
      return parseFunctionSetting(name, String(value));
    } catch (error) {
      // The function's message names the variable and value; the option's name is put in front instead.
      ctx.issues.push({ code: 'custom', message: (error as Error).message.replace(new RegExp(`^${name}(="[^"]*")? `), ''), input: value });
      return z.NEVER;
    }
  }));

/** --notify, repeatable: the recorded targets as one space-separated string, '' for none. */
const notifyTargets = z.pipe(z.union([z.string(), z.array(z.string())], { error: 'takes a target or a list of targets' }), z.transform((value: string | string[], ctx) => {
  const result = normalizeTargets(value);
  if ('problem' in result) {
    ctx.issues.push({ code: 'custom', message: result.problem, input: value });
    return z.NEVER;
  }
  return result.value;
}));

export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+/;

export const SCHEMA_PARTS = {
  wholeNumber,
  functionSetting,
  flag: z.boolean({ error: 'takes true or false' }),
  text: z.string({ error: 'takes a string' }).check(z.minLength(1, { error: 'takes a non-empty string' })),
  oneOf: <T extends string>(values: readonly T[]) => z.enum(values as readonly [T, ...T[]], { error: `takes one of ${values.join(', ')}` }),
  notifyTargets,
  roleArn: z.string({ error: 'takes a role ARN' }).check(z.regex(ROLE_ARN, { error: 'takes a role ARN like arn:aws:iam::123456789012:role/LabRole' })),
};

export type SchemaParts = typeof SCHEMA_PARTS;
