import { InvalidArgumentError, type Command } from 'commander';
import type { ProvisionResult } from '../../actions/provision.js';
import { printResult, renderTable } from '../../output/print.js';
import { renderDifference } from '../../resources/resource.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { ARCHITECTURES, type Architecture } from '../../package/project.js';
import { oneOf } from './parse.js';
import { functionSettings } from '../../config/function-settings.js';

/** Every difference, one a line: `thumbnailsBucket.publicAccessBlock: off -> on`. */
export function renderChanges(result: ProvisionResult): string {
  return result.resources.flatMap((r) => (r.changes ?? []).map((d) => `${r.status === 'adopted' ? 'drift (adopted, not repaired) ' : ''}${renderDifference(r.kind, d)}`)).join('\n');
}

export function renderProvision(result: ProvisionResult): string {
  const rows = result.resources.map((r) => [r.status, r.kind, r.id, r.note ?? (r.changes ? r.changes.map((d) => d.attribute).join(', ') : '')]);
  const changes = renderChanges(result);
  const created = result.resources.filter((r) => r.status === 'created' || r.status === 'updated').length;
  const summary = result.dryRun
    ? `dry run: ${result.resources.filter((r) => r.status === 'planned').length} to create or change, nothing written`
    : `stack ${result.stack} in ${result.region} (${result.backend}): ${result.resources.length} resources, ${created} created or updated, ${result.seconds.toFixed(1)}s`;
  return `${renderTable(['status', 'resource', 'id', 'note'], rows)}\n${changes ? `${changes}\n` : ''}${summary}`;
}

interface ProvisionFlags {
  dryRun?: boolean;
  originalsBucket?: string;
  thumbnailsBucket?: string;
  timeout: number;
  arch: Architecture;
  memory: number;
  roleArn?: string;
  trigger: 'sqs' | 's3';
  maxConcurrency: number;
  batchWindow: number;
  function: boolean;
}

/** A whole number within Lambda's limits for the option (0 allowed where Lambda allows it). */
function intRange(option: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${option} takes a whole number from ${min} to ${max}, not "${value}".`);
    return n;
  };
}

function roleArn(value: string): string {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(value)) {
    throw new InvalidArgumentError(`--role-arn takes a role ARN like arn:aws:iam::123456789012:role/LabRole, not "${value}".`);
  }
  return value;
}

export function registerProvision(program: Command, runtime: Runtime): void {
  program
    .command('provision')
    .description('create the pipeline: buckets, table, queues, and on AWS the role, function and trigger (idempotent: a re-run changes nothing)')
    .option('--dry-run', 'show what would be created or changed, write nothing')
    .option('--originals-bucket <name>', 'use this existing bucket for originals (never modified or deleted)')
    .option('--thumbnails-bucket <name>', 'use this existing bucket for thumbnails (never modified or deleted)')
    .option('--timeout <seconds>', 'function timeout; the queue visibility timeout is 6x this', intRange('--timeout', 1, 900), 30)
    .option('--arch <arch>', 'function architecture: x86_64 or arm64 (sharp binaries are packaged to match)', oneOf('--arch', ARCHITECTURES), 'x86_64')
    .option('--memory <mb>', 'function memory in MB (1,769 MB is one vCPU)', intRange('--memory', 128, 10240), 1024)
    .option('--role-arn <arn>', 'use this existing execution role (never changed or deleted) instead of creating thumbs-<stack>-fn', roleArn)
    .option('--trigger <mode>', 'sqs: upload queues one message per image; s3: the originals bucket notifies the queue itself', oneOf('--trigger', ['sqs', 's3'] as const), 'sqs')
    .option('--max-concurrency <n>', 'most function instances the SQS trigger runs at once (lab accounts cap near 10)', intRange('--max-concurrency', 2, 1000), 5)
    .option('--batch-window <seconds>', 'how long the trigger gathers messages before invoking', intRange('--batch-window', 0, 300), 1)
    .option('--no-function', 'only the data side: buckets, table and queues')
    .addHelpText('after', `
Every attribute thumbs sets is compared with what is there, and each difference is repaired and printed
as "resource.attribute: old -> new"; --dry-run prints the same plan and writes nothing. Adopted
resources (--originals-bucket, --thumbnails-bucket, --role-arn) are never changed: their drift is only
reported. A resource with the stack's name but not its thumbs:stack tag is refused, never taken over.
On the embedded backend (--local) only the data side is created: the local worker plays Lambda.
When CreateRole is denied (AWS Academy lab accounts) and a role named LabRole exists, it is used.

Examples:
  thumbs provision --local                         on the embedded backend (start \`thumbs dev\` first)
  thumbs provision --dry-run                       show the plan against your AWS account
  thumbs provision --arch arm64 --memory 2048      Graviton function with more CPU
  thumbs provision --trigger s3                    S3 notifies the queue; upload sends no messages
  thumbs provision --role-arn arn:aws:iam::123456789012:role/LabRole
  thumbs provision --endpoint-url http://localhost:4566   on LocalStack`)
    .action(async (options: ProvisionFlags, command: Command) => {
      const result = await withContext(command, runtime, async (ctx) =>
        (await import('../../actions/provision.js')).provision(ctx, {
          dryRun: options.dryRun,
          originalsBucket: options.originalsBucket,
          thumbnailsBucket: options.thumbnailsBucket,
          functionTimeoutSeconds: options.timeout,
          arch: options.arch,
          memoryMb: options.memory,
          roleArn: options.roleArn,
          trigger: options.trigger,
          maxConcurrency: options.maxConcurrency,
          batchWindowSeconds: options.batchWindow,
          function: options.function,
          functionSettings: functionSettings(process.env),
        }),
      );
      printResult(settingsOf(command, runtime).json, result, () => renderProvision(result));
    });
}
