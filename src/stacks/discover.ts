import { paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import { STACK_TAG } from '../resources/tags.js';

export interface TaggedStack {
  stack: string;
  region: string;
  /** ARNs of the resources that carry thumbs:stack=<stack> in this region. */
  resources: string[];
}

/**
 * The stacks of this account and region found by their tag (Resource Groups Tagging API), state
 * file or not. IAM roles are global and not listed by this API, so they are not counted.
 */
export async function discoverTaggedStacks(ctx: Context): Promise<TaggedStack[]> {
  const stacks = new Map<string, TaggedStack>();
  const pages = paginateGetResources({ client: controlPlane(ctx).tagging }, { TagFilters: [{ Key: STACK_TAG }], ResourcesPerPage: 100 });
  for await (const page of pages) {
    for (const mapping of page.ResourceTagMappingList ?? []) {
      const stack = mapping.Tags?.find((tag) => tag.Key === STACK_TAG)?.Value;
      if (!stack || !mapping.ResourceARN) continue;
      const entry = stacks.get(stack) ?? { stack, region: ctx.clients.region, resources: [] };
      entry.resources.push(mapping.ResourceARN);
      stacks.set(stack, entry);
    }
  }
  return [...stacks.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}
