import { DeleteAppCommand, GetAppCommand, paginateListApps } from '@aws-sdk/client-amplify';
import { errorName, isNotFound } from '../aws/aws-errors.js';
import { carriesStackTag } from '../resources/tags.js';
import { bucketRemover } from './data-removers.js';
import type { ResourceRemover } from './remover.js';
import { controlPlane } from '../aws/control-plane.js';

/** The app `thumbs publish` deployed to; found again by name and tag (Amplify app names are not unique). */
export const amplifyAppRemover: ResourceRemover = {
  kind: 'amplifyApp',
  wave: 1,
  async discover(ctx, stack) {
    if (!ctx.capabilities.hasControlPlane) return undefined;
    try {
      for await (const page of paginateListApps({ client: controlPlane(ctx).amplify }, {})) {
        const app = page.apps?.find((a) => a.name === stack.names.amplifyApp && carriesStackTag(a.tags, stack.stack));
        if (app?.appId) return { id: app.appId, ...(app.appArn ? { arn: app.appArn } : {}), origin: 'created', extra: { name: stack.names.amplifyApp } };
      }
    } catch (error) {
      // Lab accounts deny Amplify and LocalStack may lack it: then publish could not have made an app either,
      // and the rest of the teardown must not fail over it.
      ctx.reporter.warn(`could not list Amplify apps (${errorName(error)}); if \`thumbs publish\` made ${stack.names.amplifyApp}, delete it in the Amplify console`);
    }
    return undefined;
  },
  async ownership(ctx, record, stack) {
    try {
      const { app } = await controlPlane(ctx).amplify.send(new GetAppCommand({ appId: record.id }));
      return carriesStackTag(app?.tags, stack.stack) ? 'owned' : 'foreign';
    } catch (error) {
      if (isNotFound(error)) return 'absent';
      throw error;
    }
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

/** The public S3 website bucket of `thumbs publish --hosting s3`: emptied and deleted like the data buckets. */
export const siteBucketRemover: ResourceRemover = bucketRemover('siteBucket', 1);

export const GALLERY_REMOVERS: ResourceRemover[] = [amplifyAppRemover, siteBucketRemover];
