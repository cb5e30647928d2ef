import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';
import dynalite from 'dynalite';
import { LOCAL_REGION, type LocalEndpoints } from './constants.js';
import { addBrowserUploads } from './s3-browser-uploads.js';
import { addIndexCreation, captureStore } from './dynalite-gsi.js';
import { addTransactions } from './dynalite-transactions.js';

export { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalEndpoints } from './constants.js';

export interface RunningEmulators {
  endpoints: LocalEndpoints;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs (S3 + SQS) and dynalite (DynamoDB) in this process, on free loopback ports.
 * fauxqs is built with buildApp() and bound to 127.0.0.1 ourselves because startFauxqs()
 * listens on every interface.
 */
export async function startEmulators(): Promise<RunningEmulators> {
  const fauxqs = buildApp({ logger: false, host: '127.0.0.1', defaultRegion: LOCAL_REGION });
  addBrowserUploads(fauxqs);
  await fauxqs.listen({ host: '127.0.0.1', port: 0 });
  const fauxqsPort = (fauxqs.server.address() as AddressInfo).port;

  const { result: dynamo, store } = captureStore(() => dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
  addIndexCreation(dynamo, store);
  addTransactions(dynamo, store);
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
