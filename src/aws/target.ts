import type { AwsCredentialIdentity } from '@aws-sdk/types';

/** Where requests go: real AWS, a custom endpoint such as LocalStack, or the embedded emulators. */
export type BackendKind = 'aws' | 'endpoint' | 'embedded';

export interface ServiceEndpoints {
  s3: string;
  sqs: string;
  dynamodb: string;
  /** Every other service (IAM, Lambda, STS...); absent on the embedded backend, which has none. */
  other?: string;
}

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
