import { AmplifyClient, ListAppsCommand } from '@aws-sdk/client-amplify';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';

/**
 * Where the conformance suite runs, chosen by the environment `npm run conformance` sets
 * (scripts/conformance.ts): nothing set is the embedded backend, as inside `npm test`.
 */
export const ENDPOINT_VARIABLE = 'THUMBS_CONFORMANCE_ENDPOINT';
export const PROFILE_VARIABLE = 'THUMBS_CONFORMANCE_PROFILE';
export const REGION_VARIABLE = 'THUMBS_CONFORMANCE_REGION';
/** yes/no: whether the endpoint runs Lambda functions (moto records them, never runs them). */
export const FUNCTION_RUNS_VARIABLE = 'THUMBS_CONFORMANCE_FUNCTION_RUNS';

/** What a step may need beyond S3, SQS and DynamoDB, named as the output names it. */
export type Capability = 'IAM' | 'Lambda' | 'CloudWatch Logs' | 'tagging API' | 'resource tags' | 'bucket configuration' | 'Amplify' | 'running functions';

export interface Target {
  kind: 'embedded' | 'endpoint' | 'aws';
  /** How the output names it: embedded, moto, http://..., aws profile x. */
  label: string;
  region: string;
  endpoint?: string;
  profile?: string;
  has: ReadonlySet<Capability>;
}

export const ALL_CAPABILITIES: readonly Capability[] = ['IAM', 'Lambda', 'running functions', 'CloudWatch Logs', 'tagging API', 'resource tags', 'bucket configuration', 'Amplify'];

export const lacks = (target: Target, needs: readonly Capability[]): Capability[] => needs.filter((need) => !target.has.has(need));

/** Client options for every SDK client the suite builds itself (never thumbs' own factory). */
export function sdkOptions(target: Pick<Target, 'region' | 'endpoint' | 'profile'>, endpoint = target.endpoint) {
  return {
    region: target.region,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
    maxAttempts: 3,
  };
}

/** One cheap read per optional API: an endpoint that does not implement it answers with an error, not a list. */
async function answers(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch {
    return false;
  }
}

async function isMoto(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(new URL('/moto-api/', endpoint), { signal: AbortSignal.timeout(5_000) })).ok;
  } catch {
    return false;
  }
}

async function probe(target: Omit<Target, 'has' | 'label'>): Promise<Set<Capability>> {
  const options = sdkOptions(target);
  const iam = new IAMClient(options);
  const lambda = new LambdaClient(options);
  const logs = new CloudWatchLogsClient(options);
  const tagging = new ResourceGroupsTaggingAPIClient(options);
  const amplify = new AmplifyClient({ ...options, maxAttempts: 1 });
  const checks: Array<[Capability, () => Promise<unknown>]> = [
    ['IAM', () => iam.send(new ListRolesCommand({ MaxItems: 1 }))],
    ['Lambda', () => lambda.send(new ListFunctionsCommand({ MaxItems: 1 }))],
    ['CloudWatch Logs', () => logs.send(new DescribeLogGroupsCommand({ limit: 1 }))],
    ['tagging API', () => tagging.send(new GetResourcesCommand({ ResourcesPerPage: 1 }))],
    ['Amplify', () => amplify.send(new ListAppsCommand({ maxResults: 1 }))],
  ];
  const has = new Set<Capability>(['resource tags', 'bucket configuration']);
  for (const [capability, ok] of await Promise.all(checks.map(async ([capability, read]) => [capability, await answers(read)] as const))) {
    if (ok) has.add(capability);
  }
  for (const client of [iam, lambda, logs, tagging, amplify]) client.destroy();
  return has;
}

function functionRuns(fallback: boolean): boolean {
  const said = process.env[FUNCTION_RUNS_VARIABLE];
  if (said === undefined || said === '') return fallback;
  return /^(yes|1|true)$/i.test(said);
}

/** The backend this run verifies, and what it lacks, decided before any step is defined. */
export async function describeTarget(): Promise<Target> {
  const region = process.env[REGION_VARIABLE] || 'us-east-1';
  const endpoint = process.env[ENDPOINT_VARIABLE] || undefined;
  const profile = process.env[PROFILE_VARIABLE] || undefined;
  if (!endpoint && !profile) {
    // `thumbs dev`: S3, SQS and DynamoDB emulators; its worker plays Lambda. fauxqs keeps no bucket tags,
    // Block Public Access or encryption settings.
    return { kind: 'embedded', label: 'embedded', region: 'us-east-1', has: new Set<Capability>(['running functions']) };
  }
  const base = { kind: endpoint ? ('endpoint' as const) : ('aws' as const), region, endpoint, profile };
  const has = await probe(base);
  const moto = endpoint ? await isMoto(endpoint) : false;
  // moto records functions but never runs them; AWS runs them; another endpoint says so through the variable.
  if (functionRuns(!moto) && has.has('Lambda')) has.add('running functions');
  const label = moto ? 'moto' : endpoint ? endpoint : `aws${profile ? ` profile ${profile}` : ''}`;
  return { ...base, label, has };
}
