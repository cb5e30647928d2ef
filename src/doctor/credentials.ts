import { errorName, explainAwsError } from '../aws/aws-errors.js';
import { ThumbsError } from '../errors.js';
import type { Check, CheckOutcome, DoctorContext } from './types.js';

/** AWS Academy lab sessions are the assumed role `voclabs` (or `LabRole`) of a lab account. */
export function isLabAccountArn(arn: string | undefined): boolean {
  return arn !== undefined && /:assumed-role\/(voclabs|LabRole)\/|voclabs/.test(arn);
}

export const LAB_REGIONS = ['us-east-1', 'us-west-2'];

export const LAB_IMPLICATIONS =
  'AWS Academy lab account: it cannot create IAM roles, so thumbs adopts the existing LabRole; only us-east-1 and us-west-2 work; ' +
  'the session credentials expire after a few hours (paste fresh ones from the lab page)';

export const skippedOnEmbedded = (d: DoctorContext) => d.ctx.target.backend !== 'embedded';
export const embeddedSkip = () => 'skipped: embedded backend (no STS, EC2 or IAM offline)';

/** The same words a failing command would use (explainAwsError), as a finding with its fix. */
export function failureOf(error: unknown, d: DoctorContext): CheckOutcome {
  const explained = explainAwsError(error, d.ctx.target);
  if (explained instanceof ThumbsError) return { status: 'fail', detail: explained.message, fix: explained.hint };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'fail', detail: `${errorName(error)}: ${message.split('\n')[0]}` };
}

export const credentialsCheck: Check = {
  name: 'credentials',
  applies: skippedOnEmbedded,
  skipped: embeddedSkip,
  async run(d) {
    let identity;
    try {
      identity = await d.identity();
    } catch (error) {
      return failureOf(error, d);
    }
    const who = `account ${identity.Account ?? '?'} as ${identity.Arn ?? '?'}`;
    if (isLabAccountArn(identity.Arn)) return { status: 'pass', detail: `${who}\n${LAB_IMPLICATIONS}` };
    return { status: 'pass', detail: who };
  },
};

/**
 * For checks that need an identity: when the credentials check has already failed, say "skipped"
 * rather than repeat its error. Undefined when the identity is fine, or failed for another reason.
 */
export async function credentialsMissing(d: DoctorContext): Promise<CheckOutcome | undefined> {
  try {
    await d.identity();
    return undefined;
  } catch (error) {
    const explained = explainAwsError(error, d.ctx.target);
    if (explained instanceof ThumbsError && explained.code.startsWith('credentials-')) {
      return { status: 'skip', detail: 'skipped: needs working credentials (see above)' };
    }
    return undefined;
  }
}
