import { usageError } from '../errors.js';

export interface StackNames {
  originalsBucket: string;
  thumbnailsBucket: string;
  siteBucket: string;
  table: string;
  queue: string;
  deadLetterQueue: string;
  role: string;
  function: string;
  logGroup: string;
  amplifyApp: string;
}

const STACK_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/;
export const MAX_STACK_NAME = 24;

/** Stack names end up in bucket, table, queue, role and function names, so they use the strictest rules of all. */
/** `source` names where the name came from (--stack, THUMBS_STACK=, the config file), so the message points at what to fix. */
export function assertStackName(stack: string, source?: string): void {
  if (!STACK_NAME.test(stack) || stack.includes('--') || stack.length > MAX_STACK_NAME) {
    throw usageError(
      'bad-stack-name',
      `stack name "${stack}"${source ? ` (${source})` : ''} is not allowed`,
      `Use 1-${MAX_STACK_NAME} lowercase letters, digits and single hyphens, starting with a letter, e.g. --stack my-photos.`,
    );
  }
}

/**
 * Deterministic names from stack, account and region, so that a lost state file can be
 * rebuilt and two accounts or regions never collide on S3's global bucket names.
 */
export function stackNames(stack: string, account: string, region: string): StackNames {
  assertStackName(stack);
  const prefix = `thumbs-${stack}`;
  const bucket = (role: string) => `${prefix}-${role}-${account}-${region}`;
  const fn = `${prefix}-thumbnailer`;
  const names: StackNames = {
    originalsBucket: bucket('originals'),
    thumbnailsBucket: bucket('thumbnails'),
    siteBucket: bucket('site'),
    table: `${prefix}-images`,
    queue: `${prefix}-jobs`,
    deadLetterQueue: `${prefix}-jobs-dlq`,
    role: `${prefix}-fn`,
    function: fn,
    logGroup: `/aws/lambda/${fn}`,
    amplifyApp: `${prefix}-gallery`,
  };
  // Check the longest name first, so that following the hint fixes every bucket name at once.
  const buckets = [
    ['originals', names.originalsBucket],
    ['thumbnails', names.thumbnailsBucket],
    ['site', names.siteBucket],
  ].sort((a, b) => (b[1] ?? '').length - (a[1] ?? '').length);
  for (const [what, name = ''] of buckets) {
    const problem = bucketNameProblem(name);
    if (problem) {
      const over = name.length - 63;
      throw usageError(
        'bad-bucket-name',
        `the ${what} bucket name "${name}" ${problem}`,
        over > 0 ? `Shorten --stack "${stack}" by at least ${over} characters.` : 'Choose a different --stack.',
      );
    }
  }
  return names;
}

/** S3's bucket naming rules (general purpose buckets); undefined when the name is valid. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `is ${name.length} characters long; S3 allows 3 to 63`;
  const bad = name.match(/[^a-z0-9.-]/);
  if (bad) return `contains "${bad[0]}"; S3 allows only lowercase letters, digits, "." and "-"`;
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  if (name.includes('..')) return 'contains ".."';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'looks like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return 'starts with a prefix S3 reserves';
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return 'ends with a suffix S3 reserves';
  return undefined;
}

/** For a bucket the user points at: fail before any call, naming the option. */
export function assertBucketName(name: string, option: string): void {
  const problem = bucketNameProblem(name);
  if (problem) throw usageError('bad-bucket-name', `${option} "${name}" ${problem}`, 'Give a valid S3 bucket name.');
}
