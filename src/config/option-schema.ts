import { closest } from 'fastest-levenshtein';
import * as z from 'zod/mini';
import { isRegionName } from './region.js';
import { SCHEMA_PARTS } from './schema-parts.js';
import { choiceOf, STACK_CONFIG_KEYS } from './stack-choices.js';

/**
 * The options' schema, defined once: each option's value is parsed with it, from its flag, its
 * variable or thumbs.config.json (check-options.ts). The stack's choices come from their table.
 */

const { flag, text } = SCHEMA_PARTS;

/** The choices a stack records, by their thumbs.config.json key, from the table of choices. */
export const STACK_CHOICE_SCHEMA: Record<string, z.ZodMiniType> = Object.fromEntries(
  STACK_CONFIG_KEYS.map((key) => [key, choiceOf(key).schema(SCHEMA_PARTS)]),
);

/** Options every command accepts, and the state folder (file and THUMBS_STATE_DIR only). */
export const GLOBAL_SCHEMA = {
  stack: text,
  region: z.string({ error: 'takes a region name' }).check(z.refine(isRegionName, { error: 'is not an AWS region name (e.g. us-east-1)' })),
  profile: text,
  endpointUrl: z.url({ protocol: /^https?$/, error: 'takes an http(s) URL, e.g. http://localhost:4566' }),
  local: flag,
  json: flag,
  yes: flag,
  verbose: flag,
  quiet: flag,
  stateDir: text,
} as const;

export const OPTION_SCHEMA: Record<string, z.ZodMiniType> = { ...GLOBAL_SCHEMA, ...STACK_CHOICE_SCHEMA };

/** The first problem of a value, as a phrase to put after the option's name. */
export function problemWith(schema: z.ZodMiniType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message ?? 'is invalid';
}

/** The known name closest to a mistyped one, for "did you mean". */
export function closestName(name: string, known: readonly string[]): string | undefined {
  return known.length ? closest(name, [...known]) : undefined;
}
