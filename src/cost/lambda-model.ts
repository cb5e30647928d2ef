/**
 * How long the function runs, and what Lambda bills for it, from CPU time measured on this machine.
 * Lambda gives a function CPU in proportion to its memory, one full vCPU at 1,769 MB, and more than
 * one vCPU above that (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html);
 * duration is billed per invocation, rounded up to the millisecond (https://aws.amazon.com/lambda/pricing/).
 */

/** MB at which a function has one full vCPU. */
export const FULL_VCPU_MB = 1769;

/** Messages per invocation: the event source mapping's batch size (resources/event-source-mapping.ts MAPPING_BATCH_SIZE). */
export const BATCH_SIZE = 10;

/** Lambda's memory limits. */
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;

/** vCPUs a function of this memory gets: below 1 it is a share of one. */
export const cpuShare = (memoryMb: number): number => memoryMb / FULL_VCPU_MB;

/**
 * Milliseconds one image's work takes at a memory size. Up to one vCPU all of the CPU time is
 * stretched by the share; above it (Amdahl's law) only the part that runs in parallel spreads
 * over the extra cores, the rest keeps one core.
 */
export function imageMs(cpuMs: number, parallelFraction: number, memoryMb: number): number {
  const share = cpuShare(memoryMb);
  if (share <= 1) return cpuMs / share;
  const parallel = Math.min(Math.max(parallelFraction, 0), 1);
  return cpuMs * (1 - parallel) + (cpuMs * parallel) / share;
}

/** The billed milliseconds of one invocation of `batchSize` images: rounded up once per invocation. */
export const billedBatchMs = (msPerImage: number, batchSize = BATCH_SIZE): number => Math.ceil(msPerImage * batchSize);

export interface LambdaPrices {
  lambdaGbSecond: number;
  lambdaRequest: number;
}

/** Lambda's charge per image: a batch's billed GB-seconds and its one request, shared by its images. */
export function lambdaCostPerImage(msPerImage: number, memoryMb: number, prices: LambdaPrices, batchSize = BATCH_SIZE): number {
  const gbSeconds = (billedBatchMs(msPerImage, batchSize) / 1000) * (memoryMb / 1024);
  return (gbSeconds * prices.lambdaGbSecond + prices.lambdaRequest) / batchSize;
}

/**
 * The parallel part of the work from one-at-a-time runs on this machine: Amdahl's law solved for
 * the fraction, wall = cpu x (1 - p) + cpu x p / cores. With one core, or under load (wall time
 * stretched by other processes), it comes out smaller, so the estimate errs towards slow.
 */
export function parallelFractionOf(cpuMs: number, wallMs: number, cores: number): number {
  if (cores <= 1 || cpuMs <= 0 || wallMs <= 0) return 0;
  const fraction = ((1 - wallMs / cpuMs) * cores) / (cores - 1);
  return Math.min(Math.max(fraction, 0), 1);
}
