import { usageError } from '../errors.js';
import type { Architecture } from '../package/project.js';
import { PRICE_TABLE, PRICE_TABLE_DATE, type Price, type RegionPrices } from './price-table.js';

/** The prices of one region and architecture, in US dollars per unit (not per million). */
export interface Prices {
  /** Where the figures come from, and how they were checked. */
  source: string;
  date: string;
  lambdaGbSecond: number;
  lambdaRequest: number;
  s3Put: number;
  s3Get: number;
  s3GbMonth: number;
  sqsRequest: number;
  dynamodbWrite: number;
  dynamodbRead: number;
  logsGb: number;
}

export const knownRegions = (): string[] => Object.keys(PRICE_TABLE).sort();

/** The table's prices for a region; a region the table lacks is a usage error naming those it has. */
export function pricesFor(region: string, arch: Architecture, from = '--region'): Prices {
  const table: RegionPrices | undefined = PRICE_TABLE[region];
  if (!table) {
    throw usageError(
      'unknown-price-region',
      `${from}${from.endsWith("=") ? "" : " "}${region}: thumbs' price table (${PRICE_TABLE_DATE}) has no prices for this region; it knows ${knownRegions().join(', ')}`,
      'Estimate with a known region of similar prices (e.g. --region us-east-1), or add the region to src/cost/price-table.ts (README "What it costs").',
    );
  }
  const lambda = arch === 'arm64' ? table.lambdaGbSecondArm : table.lambdaGbSecondX86;
  const all: Price[] = Object.values(table);
  const sources = [...new Set(all.map((price) => price.source))];
  const bases = [...new Set(all.map((price) => price.basis))];
  return {
    source: `${sources.join(', ')} (${bases.join('; ')})`,
    date: all.map((price) => price.date).sort()[0] ?? PRICE_TABLE_DATE,
    lambdaGbSecond: lambda.usd,
    lambdaRequest: table.lambdaRequest.usd,
    s3Put: table.s3Put.usd,
    s3Get: table.s3Get.usd,
    s3GbMonth: table.s3GbMonth.usd,
    sqsRequest: table.sqsRequest.usd,
    dynamodbWrite: table.dynamodbWrite.usd,
    dynamodbRead: table.dynamodbRead.usd,
    logsGb: table.logsGb.usd,
  };
}
