import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { PublishResult } from '../../actions/publish.js';
import { HOSTINGS, MAX_EXPIRES_SECONDS, type Hosting } from '../../config/defaults.js';
import { printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { locked } from '../locked.js';
import { settingsOf, withContext } from '../runtime.js';
import { oneOf } from './parse.js';

interface PublishFlags {
  hosting?: Hosting;
  expires: number;
  out?: string;
  public?: boolean;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "7d", "12h", "90m", "3600s" or plain seconds; SigV4 caps presigned URLs at 7 days. */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(value.trim());
  const seconds = match ? Number(match[1]) * (UNITS[(match[2] || 's').toLowerCase()] ?? 1) : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > MAX_EXPIRES_SECONDS) {
    throw new InvalidArgumentError(`--expires takes a duration from 1m to 7d (e.g. 12h, 3d), not "${value}".`);
  }
  return seconds;
}

export function renderPublish(result: PublishResult): string {
  const lines = [
    ...result.denied.map((d) => `note: ${d.hosting} was refused (${d.action})`),
    `published ${result.images} images of stack ${result.stack} (${result.hosting}): ${result.url}`,
    `image links valid until ${result.expiresAt}`,
  ];
  if (result.hosting === 'none') lines.push(`open ${result.url} in a browser (files in ${result.out})`);
  if (result.hosting === 's3') lines.push('S3 website endpoints are HTTP only; the bucket is removed by `thumbs teardown`.');
  return lines.join('\n');
}

export function registerPublish(program: Command, runtime: Runtime): void {
  program
    .command('publish')
    .description('publish a static snapshot of the gallery: Amplify Hosting, else (with consent) a public S3 website, or a local folder')
    .option('--hosting <where>', `amplify, s3 or none (default: amplify on AWS, none with --local)`, oneOf('--hosting', HOSTINGS))
    .addOption(new Option('--expires <duration>', 'how long the image links work, at most 7d (less if your credentials expire sooner)')
      .argParser(parseDuration)
      .default(MAX_EXPIRES_SECONDS, '7d'))
    .option('--out <dir>', 'folder for --hosting none (default .thumbs/site/<stack>)')
    .option('--public', 'allow the S3 fallback to make a separate site bucket publicly readable, without asking')
    .addHelpText('after', `
The snapshot is index.html, page-2.html... (100 images a page, newest first, linked like the local
gallery's pages), assets/ and manifest.json; the images stay private in their buckets and
are shown through presigned URLs that expire (then publish again). Amplify is tried first; if it
is denied (lab accounts cannot use it), S3 static website hosting needs Block Public Access turned
off for the new site bucket only, so it asks first (or takes --public). \`thumbs teardown\` removes
the Amplify app and the site bucket.

Examples:
  thumbs publish                        Amplify, falling back to S3 after asking
  thumbs publish --hosting s3 --public --expires 1d
  thumbs publish --local --hosting none --out site   then open site/index.html in a browser`)
    .action(async (options: PublishFlags, command: Command) => {
      const result = await withContext(command, runtime, locked('publish', async (ctx) =>
        (await import('../../actions/publish.js')).publish(ctx, { hosting: options.hosting, expiresSeconds: options.expires, out: options.out, public: options.public }),
      ));
      printResult(settingsOf(command, runtime).json, result, () => renderPublish(result));
    });
}
