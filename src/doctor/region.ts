import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { isAccessDenied } from '../aws/aws-errors.js';
import { credentialsMissing, embeddedSkip, failureOf, isLabAccountArn, LAB_REGIONS, skippedOnEmbedded } from './credentials.js';
import type { Check, CheckOutcome, DoctorContext } from './types.js';

/** Shapes like us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7. */
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Without credentials the credentials check has said it all; a lab account still refuses every region but two. */
async function identityProblem(d: DoctorContext, region: string): Promise<CheckOutcome | undefined> {
  const missing = await credentialsMissing(d);
  if (missing) return missing;
  const arn = await d.identity().then((identity) => identity.Arn, () => undefined);
  if (!isLabAccountArn(arn) || LAB_REGIONS.includes(region)) return undefined;
  return {
    status: 'fail',
    detail: `region ${region} is not available to AWS Academy lab accounts (only ${LAB_REGIONS.join(', ')})`,
    fix: '--region us-east-1 (or us-west-2)',
  };
}

export async function regionOutcome(d: DoctorContext): Promise<CheckOutcome> {
  const region = d.ctx.clients.region;
  if (!REGION_SHAPE.test(region)) {
    return { status: 'fail', detail: `"${region}" is not a region name`, fix: 'Pass --region like us-east-1, or set AWS_REGION.' };
  }
  const problem = await identityProblem(d, region);
  if (problem) return problem;
  let enabled: string[];
  try {
    // AllRegions false lists the regions this account can use, so an opt-in region not enabled is caught too.
    const { Regions = [] } = await d.ctx.clients.build('ec2', (config) => new EC2Client(config)).send(new DescribeRegionsCommand({ AllRegions: false }), { abortSignal: d.signal });
    enabled = Regions.flatMap((r) => (r.RegionName ? [r.RegionName] : []));
  } catch (error) {
    if (isAccessDenied(error)) {
      return { status: 'warn', detail: `${region}: not verified, ec2:DescribeRegions is denied to this identity` };
    }
    return failureOf(error, d);
  }
  if (enabled.includes(region)) return { status: 'pass', detail: `${region} is enabled for this account` };
  return {
    status: 'fail',
    detail: `region ${region} does not exist or is not enabled for this account`,
    fix: `Use one of: ${enabled.sort().join(', ')} (--region or AWS_REGION).`,
  };
}

export const regionCheck: Check = {
  name: 'region',
  applies: skippedOnEmbedded,
  skipped: embeddedSkip,
  run: regionOutcome,
};
