import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, isolatedEnv, runCli, startDev, type CliRun } from '../helpers/cli.js';
import { sdkOptions, type Target } from './target.js';

/** SDK clients of the suite's own, to read what the backend really holds. */
export interface Clients {
  s3: S3Client;
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  iam: IAMClient;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  tagging: ResourceGroupsTaggingAPIClient;
}

export interface Backend {
  target: Target;
  clients: Clients;
  account: string;
  /** The folder the CLI runs in; its state is in `.thumbs` there. */
  workDir: string;
  /** thumbs as a user runs it against this backend: `thumbs <args> <backend flags>`. */
  cli(args: string[], options?: { env?: Record<string, string> }): Promise<CliRun>;
  /** The same, started and left running: for a command the suite interrupts. */
  start(args: string[]): ChildProcess;
  /** `thumbs <args> --json`, its stdout parsed. */
  json<T>(args: string[], options?: { env?: Record<string, string> }): Promise<{ run: CliRun; result: T }>;
  stop(): Promise<void>;
}

/** The embedded backend's endpoints, as `thumbs dev` writes them (read here as a user's tool would). */
interface LocalEndpoints {
  s3: string;
  sqs: string;
  dynamodb: string;
}

function passThrough(names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name] as string]] : [])));
}

/** The environment of the CLI: a user's, with credentials only where the target needs them. */
function cliEnv(target: Target, workDir: string): NodeJS.ProcessEnv {
  const state = { THUMBS_STATE_DIR: path.join(workDir, '.thumbs'), THUMBS_YES: '1' };
  if (target.kind === 'embedded') return isolatedEnv(state);
  if (target.kind === 'endpoint') {
    return isolatedEnv({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', ...passThrough(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']), ...state });
  }
  // A real account: the user's own AWS configuration, profile files included.
  return { ...process.env, NO_COLOR: '1', CI: 'true', ...state };
}

function backendFlags(target: Target): string[] {
  if (target.kind === 'embedded') return ['--local'];
  return [...(target.endpoint ? ['--endpoint-url', target.endpoint] : []), ...(target.profile ? ['--profile', target.profile] : []), '--region', target.region];
}

function clientsFor(target: Target, endpoints?: LocalEndpoints): Clients {
  const options = sdkOptions(target);
  const local = { credentials: { accessKeyId: 'conformance', secretAccessKey: 'conformance' } };
  const at = (endpoint: string | undefined) => ({ ...sdkOptions(target, endpoint), ...(endpoints ? local : {}) });
  return {
    s3: new S3Client(at(endpoints?.s3 ?? target.endpoint)),
    sqs: new SQSClient(at(endpoints?.sqs ?? target.endpoint)),
    dynamodb: new DynamoDBClient(at(endpoints?.dynamodb ?? target.endpoint)),
    iam: new IAMClient(options),
    lambda: new LambdaClient(options),
    logs: new CloudWatchLogsClient(options),
    tagging: new ResourceGroupsTaggingAPIClient(options),
  };
}

async function accountOf(target: Target): Promise<string> {
  // fauxqs puts this account in every ARN and queue URL; there is no STS on the embedded backend.
  if (target.kind === 'embedded') return '000000000000';
  const sts = new STSClient(sdkOptions(target));
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Account as string;
  } finally {
    sts.destroy();
  }
}

/** Starts what the target needs (`thumbs dev` for the embedded backend) in a fresh working folder. */
export async function startBackend(target: Target): Promise<Backend> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-conformance-'));
  await mkdir(path.join(workDir, '.thumbs'), { recursive: true });
  const dev = target.kind === 'embedded' ? await startDev(path.join(workDir, '.thumbs')) : undefined;
  const endpoints = dev ? (JSON.parse(await readFile(path.join(workDir, '.thumbs', 'local.json'), 'utf8')) as LocalEndpoints) : undefined;
  const clients = clientsFor(target, endpoints);
  const env = cliEnv(target, workDir);
  const cli: Backend['cli'] = (args, options = {}) => runCli([...args, ...backendFlags(target)], { env: { ...env, ...options.env }, cwd: workDir });
  return {
    target,
    clients,
    account: await accountOf(target),
    workDir,
    cli,
    start: (args) => spawn(process.execPath, [BIN, ...args, ...backendFlags(target)], { env, cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] }),
    async json<T>(args: string[], options?: { env?: Record<string, string> }) {
      const result = await cli([...args, '--json'], options);
      try {
        return { run: result, result: JSON.parse(result.stdout) as T };
      } catch {
        throw new Error(`thumbs ${args.join(' ')} --json printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
      }
    },
    async stop() {
      for (const client of Object.values(clients)) client.destroy();
      await dev?.stop();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
