import { describe, expect, it } from 'vitest';
import { compareMemory } from '../../../src/cost/compare.js';
import { BATCH_SIZE, billedBatchMs, imageMs, lambdaCostPerImage, parallelFractionOf } from '../../../src/cost/lambda-model.js';
import { costPerImage, sqsRequestsPerImage, writeUnits, type ImageProfile } from '../../../src/cost/per-image.js';
import { pricesFor } from '../../../src/cost/prices.js';
import { MAPPING_BATCH_SIZE } from '../../../src/resources/event-source-mapping.js';

const x86 = pricesFor('us-east-1', 'x86_64');
const arm = pricesFor('us-east-1', 'arm64');

describe('Lambda billing, by hand', () => {
  it('x86_64 at 1,024 MB: a batch of 10 x 123.45 ms is billed 1,235 ms = 1.235 GB-s, plus one request, shared by 10', () => {
    // 1.235 GB-s x $0.0000166667 = $0.0000205833745; + $0.0000002 request = $0.0000207833745; / 10
    expect(lambdaCostPerImage(123.45, 1024, x86)).toBeCloseTo(0.00000207833745, 15);
  });

  it('arm64 at 2,048 MB: 10 x 61.72 ms = 617.2 ms, billed 618 ms = 1.236 GB-s', () => {
    // 1.236 x $0.0000133334 = $0.0000164800824; + $0.0000002 = $0.0000166800824; / 10
    expect(lambdaCostPerImage(61.72, 2048, arm)).toBeCloseTo(0.00000166800824, 15);
  });

  it('x86_64 at 2,048 MB and arm64 at 1,024 MB on whole milliseconds', () => {
    // 500 ms x 2 GB = 1 GB-s: $0.0000166667 + $0.0000002, / 10
    expect(lambdaCostPerImage(50, 2048, x86)).toBeCloseTo(0.00000168667, 15);
    // 2,000 ms x 1 GB = 2 GB-s: $0.0000266668 + $0.0000002, / 10
    expect(lambdaCostPerImage(200, 1024, arm)).toBeCloseTo(0.00000268668, 15);
  });

  it('rounds up once per invocation of 10 messages, not per image', () => {
    expect(billedBatchMs(100)).toBe(1000);
    expect(billedBatchMs(100.01)).toBe(1001);
    expect(billedBatchMs(0.01)).toBe(1);
    // Per image rounding would bill 10 x 101 ms = 1,010 ms.
    expect(lambdaCostPerImage(100.01, 1024, x86) * 10).toBeCloseTo(1.001 * 0.0000166667 + 0.0000002, 15);
  });

  it('a batch is as large as the event source mapping makes it', () => {
    expect(BATCH_SIZE).toBe(MAPPING_BATCH_SIZE);
  });
});

describe('CPU share', () => {
  it('below 1,769 MB all of the CPU time is stretched by the share of a vCPU', () => {
    expect(imageMs(100, 0.9, 884.5)).toBeCloseTo(200, 10);
    expect(imageMs(100, 0, 1769)).toBeCloseTo(100, 10);
  });

  it('above 1,769 MB only the parallel part gets faster', () => {
    // Two vCPUs, half parallel: 50 ms serial + 50 ms / 2.
    expect(imageMs(100, 0.5, 3538)).toBeCloseTo(75, 10);
    expect(imageMs(100, 0, 3538)).toBeCloseTo(100, 10);
  });

  it('the parallel fraction solves Amdahl for the wall time measured', () => {
    // 2 cores, fully parallel: wall = cpu / 2.
    expect(parallelFractionOf(100, 50, 2)).toBeCloseTo(1, 10);
    expect(parallelFractionOf(100, 75, 2)).toBeCloseTo(0.5, 10);
    expect(parallelFractionOf(100, 120, 2)).toBe(0);
    expect(parallelFractionOf(100, 50, 1)).toBe(0);
  });
});

describe('cost per image, every service, by hand (us-east-1, x86_64, 2,048 MB)', () => {
  const profile: ImageProfile = {
    cpuMs: 150,
    originalBytes: 1024 ** 2,
    renditionBytes: 512 * 1024,
    renditions: 3,
    logBytes: 1024,
    itemBytes: 1500,
    messageBytes: 300,
  };
  const cost = costPerImage(profile, 2048, 0, x86);

  it('prices each part as the issue says', () => {
    // Serial work: 150 ms per image at any size above one vCPU; 1,500 ms x 2 GB = 3 GB-s.
    expect(cost.msPerImage).toBe(150);
    expect(cost.parts.lambda).toBeCloseTo((3 * 0.0000166667 + 0.0000002) / 10, 15);
    // 4 PUTs (original and three renditions) at $0.005 per 1,000, one GET at $0.0004 per 1,000.
    expect(cost.parts.s3).toBeCloseTo(0.0000204, 15);
    // Send and receive of 10 x 300 bytes (one 64 KB chunk each) and one delete, per 10 images.
    expect(cost.parts.sqs).toBeCloseTo(0.3 * 0.0000004, 15);
    // 1,500 bytes = 2 write units, twice (table and time index); one read unit.
    expect(cost.parts.dynamodb).toBeCloseTo(4 * 0.000000625 + 0.000000125, 15);
    expect(cost.parts.logs).toBeCloseTo((1024 / 1024 ** 3) * 0.5, 15);
    expect(cost.storageGb).toBeCloseTo(1.5 / 1024, 15);
  });

  it('total is the sum of its parts', () => {
    const { lambda, s3, sqs, dynamodb, logs, total } = cost.parts;
    expect(total).toBeCloseTo(lambda + s3 + sqs + dynamodb + logs, 18);
    expect(total).toBeCloseTo(0.00000502001 + 0.0000204 + 0.00000012 + 0.000002625 + 4.76837158203125e-7, 15);
  });

  it('counts SQS chunks of 64 KB and DynamoDB units of 1 KB', () => {
    expect(sqsRequestsPerImage(300)).toBeCloseTo(0.3, 10);
    // 10 x 7,000 bytes = 70,000 bytes: two chunks to send, two to receive, one delete.
    expect(sqsRequestsPerImage(7000)).toBeCloseTo(0.5, 10);
    expect(writeUnits(1024)).toBe(2);
    expect(writeUnits(1025)).toBe(4);
  });
});

describe('memory comparison', () => {
  const profile: ImageProfile = { cpuMs: 200, originalBytes: 1e6, renditionBytes: 1e5, renditions: 3, logBytes: 500, itemBytes: 700, messageBytes: 300 };

  it('marks the cheapest and the fastest size', () => {
    const options = compareMemory(profile, 0.8, x86, [3008, 512, 1769, 1024, 2048]);
    expect(options.map((o) => o.memoryMb)).toEqual([512, 1024, 1769, 2048, 3008]);
    // Below one vCPU cost stays flat and time falls, so 1,769 MB is the cheapest of equals; above it
    // only 80% of the work speeds up, so time falls further but cost rises.
    expect(options.filter((o) => o.cheapest).map((o) => o.memoryMb)).toEqual([1769]);
    expect(options.filter((o) => o.fastest).map((o) => o.memoryMb)).toEqual([3008]);
    expect(options[4]!.perImage).toBeGreaterThan(options[2]!.perImage);
  });
});
