import {
  CreateAppCommand,
  CreateBranchCommand,
  CreateDeploymentCommand,
  GetAppCommand,
  GetBranchCommand,
  GetJobCommand,
  paginateListApps,
  StartDeploymentCommand,
  type App,
} from '@aws-sdk/client-amplify';
import { setTimeout as sleep } from 'node:timers/promises';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { ownsApp } from '../resources/amplify-app.js';
import { stackTagMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import { asAction } from './permission.js';
import { controlPlane } from '../aws/control-plane.js';

export interface AmplifyDeployOptions {
  stack: string;
  appName: string;
  zip: Buffer;
  store: StateStore;
  /** Default "main". */
  branch?: string;
  /** Between GetJob polls; default 3000 ms. */
  pollMs?: number;
  /** Give up waiting after this long; default 10 minutes. */
  timeoutMs?: number;
}

export interface AmplifyDeployment {
  appId: string;
  branch: string;
  jobId: string;
  url: string;
}

/** The recorded app if it still exists, else one carrying this stack's tag, else a new tagged one. */
async function ensureApp(ctx: Context, options: AmplifyDeployOptions): Promise<App> {
  const amplify = controlPlane(ctx).amplify;
  const recorded = options.store.get('amplifyApp');
  if (recorded) {
    try {
      const { app } = await asAction('amplify:GetApp', () => amplify.send(new GetAppCommand({ appId: recorded.id })));
      if (app) return app;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await options.store.forget('amplifyApp');
  }
  // App names are not unique; only one carrying this stack's tag is ours (the state file may be lost).
  let app: App | undefined = await asAction('amplify:ListApps', async () => {
    for await (const page of paginateListApps({ client: amplify }, {})) {
      const found = page.apps?.find((a) => a.name === options.appName && ownsApp(a, options.stack) === 'owned');
      if (found) return found;
    }
    return undefined;
  });
  if (!app) {
    ({ app } = await asAction('amplify:CreateApp', () =>
      amplify.send(new CreateAppCommand({
        name: options.appName,
        description: `thumbs gallery of stack ${options.stack}`,
        platform: 'WEB',
        tags: stackTagMap(options.stack),
      })),
    ));
  }
  if (!app?.appId) throw new ThumbsError('amplify-no-app', `Amplify returned no app for ${options.appName}`);
  // Recorded at once, so teardown finds it even if a later step fails.
  await options.store.record('amplifyApp', {
    id: app.appId,
    ...(app.appArn ? { arn: app.appArn } : {}),
    origin: 'created',
    extra: { name: options.appName, ...(app.defaultDomain ? { domain: app.defaultDomain } : {}) },
  });
  return app;
}

async function ensureBranch(ctx: Context, appId: string, branchName: string, stack: string): Promise<void> {
  const amplify = controlPlane(ctx).amplify;
  try {
    await asAction('amplify:GetBranch', () => amplify.send(new GetBranchCommand({ appId, branchName })));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await asAction('amplify:CreateBranch', () =>
      amplify.send(new CreateBranchCommand({ appId, branchName, stage: 'PRODUCTION', tags: stackTagMap(stack) })),
    );
  }
}

/** The upload URL is a presigned S3 PUT; no AWS credentials go with it. */
async function uploadZip(url: string, zip: Buffer): Promise<void> {
  const response = await fetch(url, { method: 'PUT', body: new Uint8Array(zip), headers: { 'content-type': 'application/zip' } });
  if (!response.ok) {
    throw new ThumbsError('amplify-upload-failed', `uploading the site zip to Amplify failed: HTTP ${response.status}`, {
      hint: 'Run `thumbs publish` again; each run starts a new deployment.',
    });
  }
}

async function waitForJob(ctx: Context, appId: string, branchName: string, jobId: string, options: AmplifyDeployOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    const { job } = await asAction('amplify:GetJob', () => controlPlane(ctx).amplify.send(new GetJobCommand({ appId, branchName, jobId })));
    const status = job?.summary?.status;
    if (status === 'SUCCEED') return;
    if (status === 'FAILED' || status === 'CANCELLED') {
      throw new ThumbsError('amplify-deploy-failed', `Amplify deployment job ${jobId} of app ${appId} ended ${status}`, {
        hint: 'The Amplify console shows the job log (Hosting > Deployments); `thumbs gallery` serves the same page locally.',
      });
    }
    if (Date.now() > deadline) {
      throw new ThumbsError('amplify-timeout', `Amplify deployment job ${jobId} is still ${status ?? 'unknown'}`, {
        hint: 'It may finish on its own: check the Amplify console, or run `thumbs publish` again.',
      });
    }
    await sleep(options.pollMs ?? 3000);
  }
}

/** Amplify's manual deploy: app, branch, CreateDeployment, PUT the zip, StartDeployment, poll GetJob. */
export async function deployToAmplify(ctx: Context, options: AmplifyDeployOptions): Promise<AmplifyDeployment> {
  const branch = options.branch ?? 'main';
  const app = await ctx.reporter.step(`Amplify app ${options.appName}`, () => ensureApp(ctx, options));
  const appId = app.appId as string;
  await ensureBranch(ctx, appId, branch, options.stack);
  const { jobId, zipUploadUrl } = await asAction('amplify:CreateDeployment', () =>
    controlPlane(ctx).amplify.send(new CreateDeploymentCommand({ appId, branchName: branch })),
  );
  if (!jobId || !zipUploadUrl) throw new ThumbsError('amplify-no-job', `Amplify returned no deployment job for app ${appId}`);
  await ctx.reporter.step(`upload site (${options.zip.length} bytes)`, () => uploadZip(zipUploadUrl, options.zip));
  await asAction('amplify:StartDeployment', () => controlPlane(ctx).amplify.send(new StartDeploymentCommand({ appId, branchName: branch, jobId })));
  await ctx.reporter.step(`deploy job ${jobId}`, () => waitForJob(ctx, appId, branch, jobId, options));
  return { appId, branch, jobId, url: `https://${branch}.${app.defaultDomain ?? `${appId}.amplifyapp.com`}` };
}
