import { paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import { errorName } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import { isThumbsError } from '../errors.js';
import type { OpenStack } from '../state/open-stack.js';
import type { ResourceKind, ResourceRecord } from '../state/state-file.js';
import { queueArnOf } from './arns.js';
import { findMappings } from './event-source-mapping.js';
import type { StackNames } from './names.js';
import { queueNameOf } from './queues.js';
import { MANAGED_BY_TAG, STACK_TAG } from './tags.js';

/** A resource of the stack that the caller did not know of. */
export interface FoundResource {
  /** undefined: a kind thumbs never makes (tagged by hand); it is reported, never deleted. */
  kind?: ResourceKind;
  id: string;
  arn?: string;
  /** tag: it carries thumbs:stack=<stack>; trigger: a further mapping between the stack's queue and function. */
  foundBy: 'tag' | 'trigger';
  /** created: it carries thumbs' own tags (or is a trigger of the stack's function); adopted: tagged by someone else. */
  origin: ResourceRecord['origin'];
}

export interface SearchResult {
  found: FoundResource[];
  /** Why a search could not run (e.g. the tagging API denied); the search by name still counts. */
  notes: string[];
}

type Family = 'bucket' | 'queue' | 'table' | 'function' | 'mapping' | 'logGroup' | 'amplifyApp' | 'role' | 'topic';

const FAMILY: Record<ResourceKind, Family | undefined> = {
  originalsBucket: 'bucket', thumbnailsBucket: 'bucket', siteBucket: 'bucket', queue: 'queue', deadLetterQueue: 'queue', table: 'table',
  function: 'function', eventSourceMapping: 'mapping', logGroup: 'logGroup', amplifyApp: 'amplifyApp', role: 'role', bucketNotification: undefined,
  notifyTopic: 'topic', functionUrl: undefined,
};

/** The kind a family's resource is handled as when its name is none of the stack's. */
const DEFAULT_KIND: Record<Family, ResourceKind> = {
  bucket: 'originalsBucket', queue: 'queue', table: 'table', function: 'function', mapping: 'eventSourceMapping', logGroup: 'logGroup', amplifyApp: 'amplifyApp', role: 'role', topic: 'notifyTopic',
};

/** An ARN as family and the name the service addresses it by; undefined for other services. */
export function parseArn(arn: string): { family: Family; name: string } | undefined {
  const [, , service = '', , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  const after = (prefix: string) => (resource.startsWith(prefix) ? resource.slice(prefix.length) : undefined);
  const named = (family: Family, name: string | undefined) => (name ? { family, name } : undefined);
  switch (service) {
    case 's3': return named('bucket', resource);
    case 'sqs': return named('queue', resource);
    case 'dynamodb': return named('table', after('table/')?.split('/')[0]);
    case 'lambda': return after('function:') !== undefined ? named('function', after('function:')?.split(':')[0]) : named('mapping', after('event-source-mapping:'));
    case 'logs': return named('logGroup', after('log-group:')?.replace(/:\*$/, ''));
    case 'amplify': return named('amplifyApp', after('apps/')?.split('/')[0]);
    case 'iam': return named('role', after('role/')?.split('/').pop());
    case 'sns': return named('topic', resource);
    default: return undefined;
  }
}

/** The name a record is addressed by, in the form its ARN carries. */
function nameOf(kind: ResourceKind, record: Pick<ResourceRecord, 'id' | 'extra'>): string {
  return kind === 'queue' || kind === 'deadLetterQueue' ? queueNameOf(record as ResourceRecord) : record.id;
}

export interface Known {
  kind: ResourceKind;
  record: Pick<ResourceRecord, 'id' | 'arn' | 'extra'>;
}

/** Every ARN carrying thumbs:stack=<stack> in this region, with its tags (IAM is not listed by this API). */
async function tagged(ctx: Context, stack: string): Promise<Array<{ arn: string; tags: Record<string, string> }>> {
  const found: Array<{ arn: string; tags: Record<string, string> }> = [];
  const pages = paginateGetResources({ client: controlPlane(ctx).tagging }, { TagFilters: [{ Key: STACK_TAG, Values: [stack] }], ResourcesPerPage: 100 });
  for await (const page of pages) {
    for (const mapping of page.ResourceTagMappingList ?? []) {
      if (mapping.ResourceARN) found.push({ arn: mapping.ResourceARN, tags: Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) });
    }
  }
  return found;
}

function kindFor(family: Family, name: string, names: StackNames): ResourceKind {
  const byName = (Object.keys(names) as Array<keyof StackNames>).find((kind) => FAMILY[kind as ResourceKind] === family && names[kind] === name);
  return (byName as ResourceKind | undefined) ?? DEFAULT_KIND[family];
}

/**
 * What of the stack exists beyond `known` (its recorded resources and those found by name):
 * further mappings between the stack's queue and function, and anything carrying the stack's tag
 * (Resource Groups Tagging API, where the endpoint has Lambda and friends).
 */
export async function searchBeyond(ctx: Context, stack: OpenStack, known: Known[]): Promise<SearchResult> {
  if (!ctx.capabilities.hasControlPlane) return { found: [], notes: [] };
  const notes: string[] = [];
  const keys = new Set(known.flatMap(({ kind, record }) => [`${FAMILY[kind]}:${nameOf(kind, record)}`, ...(record.arn ? [record.arn] : [])]));
  const found: FoundResource[] = [];

  const mappings = await findMappings(ctx, stack.names.function, queueArnOf(stack.region, stack.account, stack.names.queue));
  // A pending record has no UUID yet: the first mapping of function and queue is the one it stands for.
  const pending = known.some((k) => k.kind === 'eventSourceMapping' && k.record.extra?.pending);
  const claimed = mappings.find((m) => keys.has(`mapping:${m.UUID}`)) ?? (pending ? mappings[0] : undefined);
  for (const mapping of mappings) {
    if (!mapping.UUID || mapping === claimed || keys.has(`mapping:${mapping.UUID}`)) continue;
    keys.add(`mapping:${mapping.UUID}`);
    if (mapping.EventSourceMappingArn) keys.add(mapping.EventSourceMappingArn);
    found.push({ kind: 'eventSourceMapping', id: mapping.UUID, ...(mapping.EventSourceMappingArn ? { arn: mapping.EventSourceMappingArn } : {}), foundBy: 'trigger', origin: 'created' });
  }
  if (claimed?.UUID) keys.add(`mapping:${claimed.UUID}`);

  try {
    for (const { arn, tags } of await tagged(ctx, stack.stack)) {
      const parsed = parseArn(arn);
      if (keys.has(arn) || (parsed && keys.has(`${parsed.family}:${parsed.name}`))) continue;
      const origin = tags[MANAGED_BY_TAG] === 'thumbs' ? 'created' : 'adopted';
      found.push({ ...(parsed ? { kind: kindFor(parsed.family, parsed.name, stack.names) } : {}), id: parsed?.name ?? arn, arn, foundBy: 'tag', origin });
    }
  } catch (error) {
    if (isThumbsError(error)) throw error;
    // Lab accounts may deny tag:GetResources; the search by name still covers every name thumbs gives.
    notes.push(`could not search by the ${STACK_TAG} tag (${errorName(error)}): only the stack's names were looked for`);
  }
  return { found, notes };
}
