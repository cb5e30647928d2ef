import type { AwsCredentialIdentity } from '@aws-sdk/types';

/** Where requests go: real AWS, a custom endpoint such as LocalStack, or the embedded emulators. */
export type BackendKind = 'aws' | 'endpoint' | 'embedded';

/** The services thumbs calls, by the name of their client. */
export const SERVICES = ['s3', 'sqs', 'dynamodb', 'sts', 'iam', 'lambda', 'logs', 'amplify', 'ec2', 'tagging', 'sns'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * The SDK's own names for each service (its serviceId), from which it derives the variable
 * AWS_ENDPOINT_URL_<ID> and the `<id> = endpoint_url` key of a `services` section.
 */
export const SDK_SERVICE_IDS: Record<ServiceName, string> = {
  s3: 'S3',
  sqs: 'SQS',
  dynamodb: 'DynamoDB',
  sts: 'STS',
  iam: 'IAM',
  lambda: 'Lambda',
  logs: 'CloudWatch Logs',
  amplify: 'Amplify',
  ec2: 'EC2',
  tagging: 'Resource Groups Tagging API',
  sns: 'SNS',
};

/**
 * A custom endpoint per service; a service without one goes to AWS. `other` covers every service
 * not named (--endpoint-url sends everything to one place); the embedded backend has only the data side.
 */
export type ServiceEndpoints = Partial<Record<ServiceName | 'other', string>>;

export interface AwsTarget {
  backend: BackendKind;
  /** undefined: the SDK resolves it from the profile; see resolveRegion(). */
  region: string | undefined;
  profile: string | undefined;
  endpoints: ServiceEndpoints | undefined;
  /** Only for the embedded backend; everything else uses the default provider chain. */
  credentials?: AwsCredentialIdentity;
}

/** What a backend can do that thumbs relies on; the embedded emulators accept tag calls but store no S3 or table tags. */
export interface BackendCapabilities {
  /** Tags read back from buckets and tables prove ownership; without this the state file alone does. */
  readsResourceTags: boolean;
  /** IAM, Lambda, Amplify and friends exist. */
  hasControlPlane: boolean;
  /** Block Public Access, encryption and CORS are stored and read back; fauxqs accepts the calls and keeps nothing. */
  readsBucketConfiguration: boolean;
}

export function capabilitiesOf(backend: BackendKind): BackendCapabilities {
  return backend === 'embedded'
    ? { readsResourceTags: false, hasControlPlane: false, readsBucketConfiguration: false }
    : { readsResourceTags: true, hasControlPlane: true, readsBucketConfiguration: true };
}

export function endpointTarget(endpointUrl: string, region: string | undefined, profile: string | undefined): AwsTarget {
  return {
    backend: 'endpoint',
    region,
    profile,
    endpoints: { s3: endpointUrl, sqs: endpointUrl, dynamodb: endpointUrl, other: endpointUrl },
  };
}

/** The endpoint one service's client is given; undefined: AWS's own. */
export function endpointOf(target: Pick<AwsTarget, 'endpoints'>, service: ServiceName): string | undefined {
  return target.endpoints?.[service] ?? target.endpoints?.other;
}

/**
 * The target when the SDK's own configuration (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, a
 * profile's endpoint_url or services section) sends some services elsewhere: a custom endpoint
 * for those, AWS for the rest.
 */
export function configuredTarget(endpoints: ServiceEndpoints, region: string | undefined, profile: string | undefined): AwsTarget {
  const custom = Object.keys(endpoints).length > 0;
  return { backend: custom ? 'endpoint' : 'aws', region, profile, endpoints: custom ? endpoints : undefined };
}
