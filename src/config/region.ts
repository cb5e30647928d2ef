import { usageError } from '../errors.js';

/**
 * The shape of a region name in each AWS partition, as the SDK's endpoint rules define them
 * (@aws-sdk/core util-endpoints partitions, regionRegex). The list of regions itself is an EC2 call
 * away, not available offline, so a region of the right shape in a known partition is accepted:
 * `mars-north-1` (no such partition) and `us-east1` (no number part) are refused before any call.
 */
const REGION_SHAPES = [
  /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
  /^cn-\w+-\d+$/,
  /^us-gov-\w+-\d+$/,
  /^us-iso-\w+-\d+$/,
  /^us-isob-\w+-\d+$/,
  /^us-isof-\w+-\d+$/,
  /^eu-isoe-\w+-\d+$/,
  /^eusc-de-\w+-\d+$/,
];

export function isRegionName(value: string): boolean {
  return REGION_SHAPES.some((shape) => shape.test(value));
}

export function assertRegion(value: string, source = '--region'): void {
  if (isRegionName(value)) return;
  throw usageError('bad-region', `${source}${source.endsWith('=') ? '' : ' '}${value} is not an AWS region name`, 'Give a region such as us-east-1, eu-west-3 or ap-southeast-2 (`aws ec2 describe-regions` lists them).');
}
