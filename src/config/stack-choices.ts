import type { ZodMiniType as ZodType } from 'zod/mini';
import { FUNCTION_DEFAULTS } from '../../lambda/config.js';
import { withThousands } from '../output/plural.js';
import { ARCHITECTURES, DEFAULT_ARCH } from '../package/project.js';
import type { StackConfig, StackConfigKey } from '../state/stack-config.js';
import type { SchemaParts } from './schema-parts.js';

/**
 * The stack's choices, in one table: each one's flag, environment variable, thumbs.config.json key
 * (its camelCase name, the table's key), schema, default, help line, and whether only `provision`
 * may change it. provision's options, the option schema, the defaults, `--reset` names, the help
 * and the README's table of choices are all made from it (test/unit/stack-choices.test.ts checks
 * the last two). Light on purpose: the schema is built from zod only when a command runs
 * (schema-parts.ts), so `--help` and `--version` do not load it.
 */
export interface StackChoice<V> {
  /** The flag as commander declares it, e.g. `--memory <mb>`. */
  flag: string;
  /** Its environment variable (the function's own variable for the function's settings). */
  env?: string;
  schema: (parts: SchemaParts) => ZodType;
  /** undefined: thumbs' own resource (an adopted bucket or role not given). */
  default: V | undefined;
  /** One line for --help and the README. */
  help: string;
  /**
   * Only `provision` changes it: given to another command (flag or variable) with another value
   * than the recorded one, it is a usage error naming the recorded value. `arch` is not: `deploy
   * --arch` records it too, and `package --arch` builds for any.
   */
  provisionTime: boolean;
  /** What no value means, shown as the default; absent: thumbs' own resource. */
  unset?: string;
  /** A flag that may be repeated: commander's argument collector, each value added to the previous ones. */
  collect?: (value: string, previous: unknown) => unknown;
}

type ChoiceTable = { readonly [K in StackConfigKey]-?: StackChoice<Exclude<StackConfig[K], undefined>> };

/** In the order choices are shown: in --help, in changes, and in the README. */
export const STACK_CHOICES: ChoiceTable = {
  originalsBucket: {
    flag: '--originals-bucket <name>', default: undefined, provisionTime: true,
    help: 'use this existing bucket for originals (adopted: never modified or deleted)',
    schema: (p) => p.text,
  },
  thumbnailsBucket: {
    flag: '--thumbnails-bucket <name>', default: undefined, provisionTime: true,
    help: 'use this existing bucket for thumbnails (adopted: never modified or deleted)',
    schema: (p) => p.text,
  },
  roleArn: {
    flag: '--role-arn <arn>', default: undefined, provisionTime: true,
    help: 'use this existing execution role (never changed or deleted) instead of creating thumbs-<stack>-fn',
    schema: (p) => p.roleArn,
  },
  trigger: {
    flag: '--trigger <mode>', default: 'sqs', provisionTime: true,
    help: 'sqs: upload queues one message per image; s3: the originals bucket notifies the queue itself',
    schema: (p) => p.oneOf(['sqs', 's3']),
  },
  arch: {
    flag: '--arch <arch>', default: DEFAULT_ARCH, provisionTime: false,
    help: `function architecture, ${ARCHITECTURES.join(' or ')}; sharp's Linux binaries are packaged to match`,
    schema: (p) => p.oneOf(ARCHITECTURES),
  },
  memory: {
    flag: '--memory <mb>', default: 1024, provisionTime: true,
    help: 'function memory in MB, 128-10240; 1,769 MB is one vCPU',
    schema: (p) => p.wholeNumber(128, 10240),
  },
  timeout: {
    flag: '--timeout <seconds>', default: 30, provisionTime: true,
    help: "function timeout, 1-900; the queue's visibility timeout is 6x this",
    schema: (p) => p.wholeNumber(1, 900),
  },
  maxConcurrency: {
    flag: '--max-concurrency <n>', default: 5, provisionTime: true,
    help: 'most function instances the SQS trigger runs at once, 2-1000; lab accounts cap near 10',
    schema: (p) => p.wholeNumber(2, 1000),
  },
  batchWindow: {
    flag: '--batch-window <seconds>', default: 1, provisionTime: true,
    help: 'how long the trigger gathers messages before invoking, 0-300',
    schema: (p) => p.wholeNumber(0, 300),
  },
  renditions: {
    flag: '--renditions <list>', env: 'THUMBS_RENDITIONS', default: FUNCTION_DEFAULTS.renditions, provisionTime: true,
    help: 'thumbnails to make, format:box,... with format jpeg, webp, avif or png',
    schema: (p) => p.functionSetting('THUMBS_RENDITIONS'),
  },
  quality: {
    flag: '--quality <n>', env: 'THUMBS_QUALITY', default: FUNCTION_DEFAULTS.quality, provisionTime: true,
    help: 'encoder quality, 1-100',
    schema: (p) => p.functionSetting('THUMBS_QUALITY'),
  },
  maxPixels: {
    flag: '--max-pixels <n>', env: 'THUMBS_MAX_PIXELS', default: FUNCTION_DEFAULTS.maxPixels, provisionTime: true,
    help: 'larger images, width x height, fail permanently (sharp limitInputPixels)',
    schema: (p) => p.functionSetting('THUMBS_MAX_PIXELS'),
  },
  maxBytes: {
    flag: '--max-bytes <n>', env: 'THUMBS_MAX_BYTES', default: FUNCTION_DEFAULTS.maxBytes, provisionTime: true,
    help: "larger originals fail permanently; the gallery's upload form refuses them",
    schema: (p) => p.functionSetting('THUMBS_MAX_BYTES'),
  },
  recordConcurrency: {
    flag: '--record-concurrency <n>', env: 'THUMBS_CONCURRENCY', default: FUNCTION_DEFAULTS.concurrency, provisionTime: true,
    help: "records of one batch the function processes at once, 1-64 (not upload's --concurrency)",
    schema: (p) => p.functionSetting('THUMBS_CONCURRENCY'),
  },
  notify: {
    flag: '--notify <target>', default: undefined, unset: 'nowhere', provisionTime: true,
    help: 'announce each finished batch: https://… webhook (signed), email:<address> (via SNS), or none; repeat for several',
    schema: (p) => p.notifyTargets,
    collect: (value, previous) => [...(Array.isArray(previous) ? previous : []), value],
  },
};

/** Every choice's key, in the table's order. */
export const STACK_CONFIG_KEYS = Object.keys(STACK_CHOICES) as StackConfigKey[];

export const choiceOf = (key: StackConfigKey): StackChoice<string | number> => STACK_CHOICES[key];

/** The flag's long name without its value: `--memory`. */
export const flagName = (key: StackConfigKey): string => choiceOf(key).flag.split(' ')[0] ?? key;

/** The defaults, from the table; keys without one (adopted resources) are absent. */
export function choiceDefaults(): StackConfig {
  return Object.fromEntries(STACK_CONFIG_KEYS.flatMap((key) => {
    const value = choiceOf(key).default;
    return value === undefined ? [] : [[key, value]];
  })) as unknown as StackConfig;
}

/** A value as help and the README show it: large numbers grouped. */
export function showValue(value: string | number | undefined): string {
  if (value === undefined) return "thumbs' own";
  return typeof value === 'number' && value >= 10_000 ? withThousands(value) : String(value);
}

/** The help line with its default, as `provision --help` shows it (commander adds the variable). */
export function helpLine(key: StackConfigKey): string {
  const choice = choiceOf(key);
  return choice.default === undefined ? choice.help : `${choice.help} (default ${showValue(choice.default)})`;
}

/** The README's table of choices, made from this one (the test compares them). */
export function choicesMarkdown(): string {
  const rows = STACK_CONFIG_KEYS.map((key) => {
    const choice = choiceOf(key);
    const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;
    return `| ${code(choice.flag)} | ${choice.env ? code(choice.env) : ''} | ${code(key)} | ${choice.default === undefined ? (choice.unset ?? "thumbs' own") : code(String(choice.default))} | ${choice.provisionTime ? 'yes' : 'no: `deploy --arch` too'} | ${choice.help} |`;
  });
  return ['| flag | environment | thumbs.config.json | default | provision only | meaning |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
