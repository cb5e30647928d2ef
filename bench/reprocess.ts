/**
 * Reprocess memory benchmark: `thumbs reprocess` over 10,000 and 100,000 originals, every one
 * missing from the table, so each is listed, looked up and announced. The AWS answers are made up
 * in-process by a middleware (no network, and unlike aws-sdk-client-mock nothing records the calls),
 * so what is measured is thumbs' own memory. Flat memory: the peak heap at 100,000 is close to the
 * one at 10,000. Target: peak heap growth below 1.5x for 10x the originals.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reprocess } from '../src/actions/reprocess.js';
import { resolveSettings } from '../src/config/settings.js';
import { createContext, type Context } from '../src/context.js';
import { MemoryReporter } from '../src/output/reporter.js';
import { writeState } from '../src/state/state-file.js';

type Answer = (command: string, input: Record<string, unknown>) => unknown;

function fakeAnswers(total: number): Answer {
  return (command, input) => {
    if (command === 'ListObjectsV2Command') {
      const start = Number(input.ContinuationToken ?? 0);
      const end = Math.min(total, start + 1000);
      const Contents = Array.from({ length: end - start }, (_, i) => ({ Key: `photos/${String(start + i).padStart(7, '0')}.jpg`, ETag: `"${(start + i).toString(16).padStart(32, '0')}"`, Size: 50_000 }));
      return { Contents, IsTruncated: end < total, ...(end < total ? { NextContinuationToken: String(end) } : {}) };
    }
    if (command === 'BatchGetItemCommand') return { Responses: {}, UnprocessedKeys: {} };
    if (command === 'SendMessageBatchCommand') {
      // The SQS client checks each body's MD5, as it would against SQS.
      const entries = input.Entries as Array<{ Id: string; MessageBody: string }>;
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex') })), Failed: [] };
    }
    throw new Error(`unexpected ${command}`);
  };
}

function intercept(ctx: Context, answer: Answer): void {
  const fake = () => async (args: { input: object }) => ({ output: { $metadata: {}, ...(answer(currentCommand(args), args.input as Record<string, unknown>) as object) }, response: {} });
  for (const client of [ctx.clients.s3, ctx.clients.sqs, ctx.clients.dynamodb]) {
    (client.middlewareStack as unknown as { add(m: unknown, o: object): void }).add(fake, { step: 'initialize', name: 'benchFake', priority: 'low' });
  }
}

function currentCommand(args: { input: object }): string {
  const input = args.input as Record<string, unknown>;
  if ('Entries' in input) return 'SendMessageBatchCommand';
  if ('RequestItems' in input) return 'BatchGetItemCommand';
  if ('Bucket' in input) return 'ListObjectsV2Command';
  return 'unknown';
}

async function run(total: number): Promise<{ total: number; seconds: number; peakHeapMb: number; baseHeapMb: number; sent: number }> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-bench-reprocess-'));
  await writeState(stateDir, {
    version: 1, stack: 'default', account: '123456789012', region: 'us-east-1', backend: 'aws', updatedAt: '',
    resources: {
      originalsBucket: { id: 'originals', origin: 'created' },
      table: { id: 'images', origin: 'created' },
      queue: { id: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs', origin: 'created' },
      function: { id: 'fn', origin: 'created' },
    },
  });
  const settings = { ...resolveSettings({}, {}), stateDir, region: 'us-east-1' };
  const ctx = await createContext(settings, { backend: 'aws', region: 'us-east-1', profile: undefined, endpoints: undefined, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }, new MemoryReporter(), async () => true);
  intercept(ctx, fakeAnswers(total));
  // The account check that holds every write (openStack) asks STS.
  ctx.clients.sts.middlewareStack.add(() => async () => ({ output: { $metadata: {}, Account: '123456789012' }, response: {} }), { step: 'initialize', name: 'benchFake' });
  const { controlPlane } = await import('../src/aws/control-plane.js');
  controlPlane(ctx).lambda.middlewareStack.add(() => async () => ({ output: { $metadata: {}, Environment: { Variables: {} } }, response: {} }), { step: 'initialize', name: 'benchFake' });
  (globalThis as { gc?: () => void }).gc?.();
  const baseHeap = process.memoryUsage().heapUsed;
  let peak = baseHeap;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const started = performance.now();
  const result = await reprocess(ctx, {});
  if (result.failed.length > 0) throw new Error(`not sent: ${result.failed[0]?.error}`);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  ctx.clients.destroy();
  await rm(stateDir, { recursive: true, force: true });
  return { total, seconds, peakHeapMb: peak / 2 ** 20, baseHeapMb: baseHeap / 2 ** 20, sent: result.messagesSent };
}

export default async function bench(): Promise<Record<string, unknown>> {
  const small = await run(10_000);
  const large = await run(100_000);
  for (const r of [small, large]) {
    console.log(`${r.total.toLocaleString('en')} originals: ${r.sent.toLocaleString('en')} announced in ${r.seconds.toFixed(1)}s, heap ${r.baseHeapMb.toFixed(0)} MB at start, peak ${r.peakHeapMb.toFixed(0)} MB`);
  }
  const growth = (large.peakHeapMb - large.baseHeapMb) / Math.max(1, small.peakHeapMb - small.baseHeapMb);
  console.log(`peak heap growth over the start, 100,000 vs 10,000: ${growth.toFixed(2)}x (flat: well below 10x)`);
  return { small, large, growth };
}

if (process.argv[1]?.endsWith('reprocess.ts')) await bench();
