import { DeleteAppCommand, GetAppCommand, paginateListApps, type App } from '@aws-sdk/client-amplify';
import { errorName, httpStatus, isNotFound } from '../aws/aws-errors.js';
import { isEndpointNotAws } from '../aws/not-aws.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import { tagDrift, type Ownership, type ResourceModule } from './resource.js';
import { stackTagMap } from './tags.js';

/** The one ownership rule for Amplify apps: names are not unique, so only the stack's tag proves it. */
export function ownsApp(app: App | undefined, stack: string): Ownership {
  if (!app) return 'absent';
  return app.tags?.['thumbs:stack'] === stack ? 'owned' : 'foreign';
}

/** An endpoint without Amplify (LocalStack's community edition, an emulator): publish made no app there. */
const amplifyMissing = (error: unknown) => httpStatus(error) === 501 || isEndpointNotAws(error);

export async function readApp(ctx: Context, appId: string): Promise<App | undefined> {
  try {
    return (await controlPlane(ctx).amplify.send(new GetAppCommand({ appId }))).app;
  } catch (error) {
    if (isNotFound(error) || amplifyMissing(error)) return undefined;
    throw error;
  }
}

/** The app `thumbs publish` deployed to (created there, in src/publish/amplify.ts); found again by name and tag. */
export const amplifyAppModule: ResourceModule = {
  kind: 'amplifyApp',
  wave: 1,
  ownership: async (ctx, record, stack) => ownsApp(await readApp(ctx, record.id), stack.stack),
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    try {
      for await (const page of paginateListApps({ client: controlPlane(ctx).amplify }, {})) {
        const app = page.apps?.find((a) => a.name === stack.names.amplifyApp && ownsApp(a, stack.stack) === 'owned');
        if (app?.appId) return { id: app.appId, ...(app.appArn ? { arn: app.appArn } : {}), origin: 'created', extra: { name: stack.names.amplifyApp } };
      }
    } catch (error) {
      if (amplifyMissing(error)) return undefined;
      // Lab accounts deny Amplify: then publish could not have made an app either,
      // and the rest of the teardown must not fail over it.
      ctx.reporter.warn(`could not list Amplify apps (${errorName(error)}); if \`thumbs publish\` made ${stack.names.amplifyApp}, delete it in the Amplify console`);
    }
    return undefined;
  },
  async inspect(ctx, record, stack) {
    const app = await readApp(ctx, record.id);
    if (!app) return { exists: false, ownership: 'absent', drift: [] };
    return { exists: true, ownership: ownsApp(app, stack.stack), drift: tagDrift(app.tags, stackTagMap(stack.stack)) };
  },
  async remove(ctx, record) {
    try {
      await controlPlane(ctx).amplify.send(new DeleteAppCommand({ appId: record.id }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return undefined;
  },
};
