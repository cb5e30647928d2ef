import { DeleteAppCommand, GetAppCommand, paginateListApps } from '@aws-sdk/client-amplify';
import { errorName, httpStatus, isNotFound } from '../aws/aws-errors.js';
import { isEndpointNotAws } from '../aws/not-aws.js';
import { carriesStackTag } from '../resources/tags.js';
import { bucketRemover } from './data-removers.js';
import type { ResourceRemover } from './remover.js';
import { controlPlane } from '../aws/control-plane.js';

const amplifyMissing = (error: unknown) => httpStatus(error) === 501 || isEndpointNotAws(error);

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
      // An endpoint without Amplify (LocalStack's community edition, an emulator): publish made no app there.
      if (amplifyMissing(error)) return undefined;
      // Lab accounts deny Amplify: then publish could not have made an app either,
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
      if (isNotFound(error) || amplifyMissing(error)) return 'absent';
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
