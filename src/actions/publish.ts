import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from '../context.js';
import { ExitCode, isThumbsError, ThumbsError, usageError } from '../errors.js';
import { buildSnapshot, capExpiry, credentialsExpiry, DEFAULT_EXPIRES_SECONDS, writeSnapshot, type Snapshot } from '../gallery/snapshot.js';
import { deployToAmplify } from '../publish/amplify.js';
import { PermissionDenied } from '../publish/permission.js';
import { deployToS3Website } from '../publish/s3-website.js';
import { zipSite } from '../publish/zip-site.js';
import { openStack, type OpenStack } from '../state/open-stack.js';
import type { Hosting } from '../config/defaults.js';


export interface PublishOptions {
  /** Default: amplify when the backend has a control plane (AWS, LocalStack), else none. */
  hosting?: Hosting;
  /** Lifetime of the image links in seconds; default and maximum 7 days, cut short when the credentials end sooner. */
  expiresSeconds?: number;
  /** Folder for --hosting none; default <state dir>/site/<stack>. */
  out?: string;
  /** Consent to a public-read S3 website without a prompt; default false (--yes alone is not consent). */
  public?: boolean;
  /** Between Amplify GetJob polls; default 3000 ms. */
  pollMs?: number;
}

export interface Denial {
  hosting: Hosting;
  action: string;
  message: string;
}

export interface PublishResult {
  stack: string;
  /** Where it ended up, after any fallback. */
  hosting: Hosting;
  url: string;
  /** The folder written, for --hosting none. */
  out?: string;
  images: number;
  expiresAt: string;
  warnings: string[];
  /** Hostings tried first and refused, e.g. Amplify in a lab account. */
  denied: Denial[];
}

const LOCAL_ALTERNATIVE = '`thumbs gallery` serves the same page locally, and `thumbs publish --hosting none` writes it to a folder.';

async function consentToPublic(ctx: Context, options: PublishOptions, bucket: string): Promise<boolean> {
  if (options.public) return true;
  // --yes answers routine prompts in scripts; opening a bucket to the internet needs its own flag.
  if (ctx.settings.yes) return false;
  try {
    return await ctx.confirm(`Publish to S3 static website hosting? This turns off Block Public Access on the new bucket ${bucket} `
      + '(that bucket only) and lets anyone on the internet read the gallery page and its image links until they expire.');
  } catch (error) {
    if (isThumbsError(error) && error.code === 'confirmation-required') return false;
    throw error;
  }
}

function refused(denied: Denial[]): string {
  return denied.map((d) => `${d.hosting === 'amplify' ? 'Amplify' : 'S3'} refused ${d.action} (${d.message})`).join('; ');
}

async function publishToS3(ctx: Context, stack: OpenStack, snapshot: Snapshot, options: PublishOptions, denied: Denial[]): Promise<string> {
  const bucket = stack.names.siteBucket;
  if (!(await consentToPublic(ctx, options, bucket))) {
    throw new ThumbsError('public-site-not-confirmed', `${denied.length ? `${refused(denied)}; ` : ''}a public S3 website needs your consent, so nothing was made public`, {
      hint: `Pass --public to allow a public-read site bucket ${bucket}. Or: ${LOCAL_ALTERNATIVE}`,
      exitCode: ExitCode.usage,
    });
  }
  try {
    const site = await deployToS3Website(ctx, { stack: stack.stack, bucket, files: snapshot.files, store: stack.store });
    return site.url;
  } catch (error) {
    if (!(error instanceof PermissionDenied)) throw error;
    denied.push({ hosting: 's3', action: error.action, message: error.detail });
    throw new ThumbsError('publish-denied', `could not publish the gallery: ${refused(denied)}`, {
      hint: `${LOCAL_ALTERNATIVE} Lab accounts (AWS Academy) deny Amplify and public bucket policies; see README "Lab accounts".`,
      cause: error,
    });
  }
}

async function publishToAmplify(ctx: Context, stack: OpenStack, snapshot: Snapshot, options: PublishOptions, denied: Denial[]): Promise<string | undefined> {
  try {
    const zip = await zipSite(snapshot.files);
    const deployment = await deployToAmplify(ctx, { stack: stack.stack, appName: stack.names.amplifyApp, zip, store: stack.store, pollMs: options.pollMs });
    return deployment.url;
  } catch (error) {
    if (!(error instanceof PermissionDenied)) throw error;
    denied.push({ hosting: 'amplify', action: error.action, message: error.detail });
    ctx.reporter.warn(`Amplify refused ${error.action}; falling back to S3 static website hosting`);
    return undefined;
  }
}

function hostingFor(ctx: Context, options: PublishOptions): Hosting {
  const hosting = options.hosting ?? (ctx.capabilities.hasControlPlane ? 'amplify' : 'none');
  if (hosting !== 'none' && !ctx.capabilities.hasControlPlane) {
    throw usageError('no-hosting-here', `--hosting ${hosting} needs AWS (or LocalStack); the embedded backend has no ${hosting === 'amplify' ? 'Amplify' : 'S3 website hosting'}`,
      'Use --hosting none to write the site to a folder, or `thumbs gallery --local` to serve it.');
  }
  return hosting;
}

/** Renders a static snapshot of the gallery and puts it where it can be opened: Amplify, an S3 website, or a folder. */
export async function publish(ctx: Context, options: PublishOptions = {}): Promise<PublishResult> {
  const hosting = hostingFor(ctx, options);
  const stack = await openStack(ctx);
  const expiry = capExpiry(options.expiresSeconds ?? DEFAULT_EXPIRES_SECONDS, await credentialsExpiry(ctx));
  const warnings = expiry.warning ? [expiry.warning] : [];
  for (const warning of warnings) ctx.reporter.warn(warning);
  const snapshot = await ctx.reporter.step('render gallery snapshot', () => buildSnapshot(ctx, stack, expiry.seconds));
  if (snapshot.manifest.images.length === 0) warnings.push('the table holds no images yet; the published page is empty');
  const base = { stack: stack.stack, images: snapshot.manifest.images.length, expiresAt: snapshot.manifest.expiresAt, warnings };
  const denied: Denial[] = [];
  if (hosting === 'none') {
    const out = path.resolve(options.out ?? path.join(ctx.settings.stateDir, 'site', stack.stack));
    await writeSnapshot(out, snapshot.files);
    return { ...base, hosting, url: pathToFileURL(path.join(out, 'index.html')).href, out, denied };
  }
  if (hosting === 'amplify') {
    const url = await publishToAmplify(ctx, stack, snapshot, options, denied);
    if (url) return { ...base, hosting, url, denied };
  }
  const url = await publishToS3(ctx, stack, snapshot, options, denied);
  return { ...base, hosting: 's3', url, denied };
}

export { HOSTINGS, type Hosting } from '../config/defaults.js';
