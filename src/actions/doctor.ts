import { GetCallerIdentityCommand, type GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import type { AwsTarget } from '../aws/target.js';
import type { Settings } from '../config/settings.js';
import { embeddedTarget, resolveTarget, type Context } from '../context.js';
import { CHECKS, DOCTOR_DEADLINE_MS, runChecks } from '../doctor/checks.js';
import { probeLocalEndpoints } from '../local/local-file.js';
import type { Check, CheckResult, LocalProbe } from '../doctor/types.js';
import { LOCAL_REGION } from '../local/constants.js';

export interface DoctorOptions {
  /** With --local: what doctorTarget() found; default none. */
  local?: LocalProbe;
  /** Default process.versions.node. */
  nodeVersion?: string;
  /** Default CHECKS. */
  checks?: readonly Check[];
  /** Default DOCTOR_DEADLINE_MS. */
  deadlineMs?: number;
}

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

/**
 * withContext would throw when `thumbs dev` is not running; doctor reads the endpoints file itself
 * and, without one, aims at an address nothing is called on, so the failure becomes a check with its fix.
 */
export async function doctorTarget(settings: Settings): Promise<{ target: AwsTarget; local?: LocalProbe }> {
  if (!settings.local) return { target: await resolveTarget(settings) };
  const local = await probeLocalEndpoints(settings.stateDir);
  const unknown = 'http://127.0.0.1:9';
  const endpoints = local.endpoints ?? { s3: unknown, sqs: unknown, dynamodb: unknown, region: LOCAL_REGION, pid: 0 };
  return { target: embeddedTarget(endpoints), local };
}

function memoize<T>(work: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= work());
}

export async function doctor(ctx: Context, options: DoctorOptions = {}): Promise<DoctorReport> {
  const deadline = new AbortController();
  const deadlineMs = options.deadlineMs ?? DOCTOR_DEADLINE_MS;
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const signal = deadline.signal;
  const identity = memoize<GetCallerIdentityCommandOutput>(() => ctx.clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal }));
  const checks = await runChecks(
    { ctx, nodeVersion: options.nodeVersion ?? process.versions.node, local: options.local, identity, signal },
    options.checks ?? CHECKS,
    deadlineMs,
  ).finally(() => clearTimeout(timer));
  return { ok: checks.every((check) => check.ok), checks };
}
