/**
 * The prices thumbs estimates with, in US dollars, one entry per region, each price with its source
 * and the date its figure was taken. On-demand list prices of the first tier, without the free
 * tier. To update: read the pricing pages named in `source`, change the figures and their `date`,
 * and move PRICE_TABLE_DATE to the day of the check (README "What it costs").
 */

export const PRICE_TABLE_DATE = '2026-12-07';

export interface Price {
  /** US dollars per unit. */
  usd: number;
  unit: string;
  source: string;
  /** When the figure was taken from its source (YYYY-MM-DD). */
  date: string;
  /** How the figure was checked against its source. */
  basis: string;
}

export interface RegionPrices {
  lambdaGbSecondX86: Price;
  lambdaGbSecondArm: Price;
  lambdaRequest: Price;
  s3Put: Price;
  s3Get: Price;
  s3GbMonth: Price;
  sqsRequest: Price;
  dynamodbWrite: Price;
  dynamodbRead: Price;
  logsGb: Price;
}

const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const LOGS = 'https://aws.amazon.com/cloudwatch/pricing/';

const perMillion = (usd: number) => usd / 1_000_000;
const perThousand = (usd: number) => usd / 1_000;

/** The figures of one region; `date` and `basis` apply to each of them. */
function region(date: string, basis: string, figures: {
  lambdaX86: number; lambdaArm: number; lambdaRequestsPerMillion: number;
  s3PutPerThousand: number; s3GetPerThousand: number; s3GbMonth: number;
  sqsPerMillion: number; writesPerMillion: number; readsPerMillion: number; logsGb: number;
}): RegionPrices {
  const price = (usd: number, unit: string, source: string): Price => ({ usd, unit, source, date, basis });
  return {
    lambdaGbSecondX86: price(figures.lambdaX86, 'GB-second, x86_64', LAMBDA),
    lambdaGbSecondArm: price(figures.lambdaArm, 'GB-second, arm64', LAMBDA),
    lambdaRequest: price(perMillion(figures.lambdaRequestsPerMillion), 'request (invocation)', LAMBDA),
    s3Put: price(perThousand(figures.s3PutPerThousand), 'PUT, COPY, POST or LIST request, S3 Standard', S3),
    s3Get: price(perThousand(figures.s3GetPerThousand), 'GET request, S3 Standard', S3),
    s3GbMonth: price(figures.s3GbMonth, 'GB-month, S3 Standard, first 50 TB', S3),
    sqsRequest: price(perMillion(figures.sqsPerMillion), 'request (64 KB chunk), standard queue', SQS),
    dynamodbWrite: price(perMillion(figures.writesPerMillion), 'write request unit, on-demand, Standard table class', DYNAMODB),
    dynamodbRead: price(perMillion(figures.readsPerMillion), 'read request unit, on-demand, Standard table class', DYNAMODB),
    logsGb: price(figures.logsGb, 'GB ingested, Standard log class', LOGS),
  };
}

/** us-east-1: as the pages publish them; DynamoDB's are those after the on-demand cut of 2024-11-01. */
const PUBLISHED = 'as published on the page named (DynamoDB: the on-demand prices after the cut of 2024-11-01)';
/** The table was written on a machine without internet access: these figures need a check against the page before they are trusted. */
const RECALLED = 'taken from the page named as last read by the author, not re-read on the date given (no internet where the table was written): check before relying on it';

/** The US regions' list prices, which us-east-1, us-east-2 and us-west-2 share. */
const US_LIST_PRICES = {
  lambdaX86: 0.0000166667, lambdaArm: 0.0000133334, lambdaRequestsPerMillion: 0.2,
  s3PutPerThousand: 0.005, s3GetPerThousand: 0.0004, s3GbMonth: 0.023,
  sqsPerMillion: 0.4, writesPerMillion: 0.625, readsPerMillion: 0.125, logsGb: 0.5,
};

export const PRICE_TABLE: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': region(PRICE_TABLE_DATE, PUBLISHED, US_LIST_PRICES),
  'us-east-2': region(PRICE_TABLE_DATE, RECALLED, US_LIST_PRICES),
  'us-west-2': region(PRICE_TABLE_DATE, RECALLED, US_LIST_PRICES),
  'eu-west-1': region(PRICE_TABLE_DATE, RECALLED, {
    lambdaX86: 0.0000166667, lambdaArm: 0.0000133334, lambdaRequestsPerMillion: 0.2,
    s3PutPerThousand: 0.005, s3GetPerThousand: 0.0004, s3GbMonth: 0.023,
    sqsPerMillion: 0.4, writesPerMillion: 0.7068, readsPerMillion: 0.1415, logsGb: 0.57,
  }),
  'eu-central-1': region(PRICE_TABLE_DATE, RECALLED, {
    lambdaX86: 0.0000166667, lambdaArm: 0.0000133334, lambdaRequestsPerMillion: 0.2,
    s3PutPerThousand: 0.0054, s3GetPerThousand: 0.00043, s3GbMonth: 0.0245,
    sqsPerMillion: 0.4, writesPerMillion: 0.7625, readsPerMillion: 0.1525, logsGb: 0.63,
  }),
};
