import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';
import dynalite from 'dynalite';

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

export interface RunningEmulators {
  endpoints: LocalEndpoints;
  stop(): Promise<void>;
}

/** Region the embedded backend reports; fauxqs builds its ARNs and queue URLs with it. */
export const LOCAL_REGION = 'us-east-1';
/** The account id fauxqs puts in every ARN and queue URL. */
export const LOCAL_ACCOUNT = '000000000000';
/** Dummy credentials: the emulators check none, but the SDK signs every request. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'thumbs-local', secretAccessKey: 'thumbs-local' };

/**
 * Starts fauxqs (S3 + SQS) and dynalite (DynamoDB) in this process, on free loopback ports.
 * fauxqs is built with buildApp() and bound to 127.0.0.1 ourselves because startFauxqs()
 * listens on every interface.
 */
export async function startEmulators(): Promise<RunningEmulators> {
  const fauxqs = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: LOCAL_REGION });
  await fauxqs.listen({ host: '127.0.0.1', port: 0 });
  const fauxqsPort = (fauxqs.server.address() as AddressInfo).port;

  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', () => resolve());
  });
  const dynamoPort = (dynamo.address() as AddressInfo).port;

  const fauxqsUrl = `http://127.0.0.1:${fauxqsPort}`;
  return {
    endpoints: {
      s3: fauxqsUrl,
      sqs: fauxqsUrl,
      dynamodb: `http://127.0.0.1:${dynamoPort}`,
      region: LOCAL_REGION,
      pid: process.pid,
    },
    async stop() {
      await Promise.all([
        fauxqs.close(),
        new Promise<void>((resolve) => dynamo.close(() => resolve())),
      ]);
    },
  };
}
