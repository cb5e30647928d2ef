import type { GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import type { Context } from '../context.js';
import type { LocalProbe } from '../local/local-file.js';

export type { LocalProbe };

/** pass and warn are ok; skip says why the check did not run here; fail comes with a fix. */
export type CheckStatus = 'pass' | 'warn' | 'skip' | 'fail';

export interface CheckResult {
  name: string;
  ok: boolean;
  status: CheckStatus;
  detail: string;
  /** What to do about a failure or warning. */
  fix?: string;
}

export type CheckOutcome = Omit<CheckResult, 'name' | 'ok'>;

/** What `thumbs dev`'s endpoints file said; doctor reads it itself so a missing backend is a finding, not a crash. */

export interface DoctorContext {
  ctx: Context;
  /** process.versions.node, injectable for tests. */
  nodeVersion: string;
  /** Present with --local. */
  local?: LocalProbe;
  /** STS GetCallerIdentity, sent at most once and shared by every check that needs it. */
  identity(): Promise<GetCallerIdentityCommandOutput>;
  /** Aborted at doctor's deadline: every AWS call of a check passes it, so a silent endpoint ends them all. */
  signal: AbortSignal;
}

/** Add a check by writing one of these and listing it in checks.ts. */
export interface Check {
  name: string;
  applies(d: DoctorContext): boolean;
  /** Shown when applies() is false, e.g. "skipped: embedded backend". */
  skipped?(d: DoctorContext): string;
  run(d: DoctorContext): Promise<CheckOutcome>;
}
