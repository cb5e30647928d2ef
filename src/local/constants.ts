/** Region the embedded backend reports; fauxqs builds its ARNs and queue URLs with it. */
export const LOCAL_REGION = 'us-east-1';
/** The account id fauxqs puts in every ARN and queue URL. */
export const LOCAL_ACCOUNT = '000000000000';
/** Dummy credentials: the emulators check none, but the SDK signs every request. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'thumbs-local', secretAccessKey: 'thumbs-local' };

/** Endpoints of a running embedded backend; what `thumbs dev` writes to `.thumbs/local.json`. */
export interface LocalEndpoints {
  /** fauxqs: S3 and SQS on one port. */
  s3: string;
  sqs: string;
  /** dynalite: DynamoDB. */
  dynamodb: string;
  region: string;
  pid: number;
}
