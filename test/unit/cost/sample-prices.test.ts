import { describe, expect, it } from 'vitest';
import { dynamoItemBytes } from '../../../src/cost/item-size.js';
import { PRICE_TABLE } from '../../../src/cost/price-table.js';
import { knownRegions, pricesFor } from '../../../src/cost/prices.js';
import { evenSample } from '../../../src/cost/sample.js';
import { ThumbsError } from '../../../src/errors.js';

describe('sample selection', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);

  it('takes every item up to the bound', () => {
    expect(evenSample(items.slice(0, 7), 40)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(evenSample(items.slice(0, 40), 40)).toEqual(items.slice(0, 40));
  });

  it('else spreads the bound evenly: the middle of each equal stretch', () => {
    expect(evenSample(items, 4)).toEqual([12, 37, 62, 87]);
    expect(evenSample(items, 10)).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    const sample = evenSample(items, 33);
    expect(sample).toHaveLength(33);
    expect(new Set(sample).size).toBe(33);
    expect([...sample].sort((a, b) => a - b)).toEqual(sample);
  });

  it('one item of many is the middle one', () => {
    expect(evenSample(items, 1)).toEqual([50]);
  });
});

describe('price table', () => {
  it('holds us-east-1 with its published figures', () => {
    const prices = pricesFor('us-east-1', 'x86_64');
    expect(prices).toMatchObject({ lambdaGbSecond: 0.0000166667, s3GbMonth: 0.023, logsGb: 0.5 });
    expect(prices.lambdaRequest).toBeCloseTo(0.2 / 1e6, 15);
    expect(prices.s3Put).toBeCloseTo(0.005 / 1000, 15);
    expect(prices.s3Get).toBeCloseTo(0.0004 / 1000, 15);
    expect(prices.sqsRequest).toBeCloseTo(0.4 / 1e6, 15);
    expect(pricesFor('us-east-1', 'arm64').lambdaGbSecond).toBe(0.0000133334);
  });

  it('gives every price of every region a source and a date', () => {
    expect(knownRegions().length).toBeGreaterThanOrEqual(4);
    for (const [region, prices] of Object.entries(PRICE_TABLE)) {
      for (const [name, price] of Object.entries(prices)) {
        expect(price.source, `${region} ${name}`).toMatch(/^https:\/\/aws\.amazon\.com\//);
        expect(price.date, `${region} ${name}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(price.usd, `${region} ${name}`).toBeGreaterThan(0);
      }
    }
  });

  it('refuses a region it lacks with a usage error naming those it knows', () => {
    let error: unknown;
    try {
      pricesFor('ap-south-1', 'x86_64');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ThumbsError);
    expect((error as ThumbsError).exitCode).toBe(2);
    expect((error as ThumbsError).message).toContain('--region ap-south-1');
    for (const region of knownRegions()) expect((error as ThumbsError).message).toContain(region);
  });
});

describe('DynamoDB item size', () => {
  it('counts names, strings, numbers, lists and maps as DynamoDB does', () => {
    // "a" + "xyz" = 4; "n" + 12345 (5 digits: 3 + 1) = 5; "l" + list of [true] (3 + 1 + 1) = 6; "m" + map {k: "v"} (3 + 1 + 1 + 1) = 7
    expect(dynamoItemBytes({ a: 'xyz', n: 12345, l: [true], m: { k: 'v' } })).toBe(4 + 5 + 6 + 7);
    expect(dynamoItemBytes({ é: 'é' })).toBe(4);
  });
});
