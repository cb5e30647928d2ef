import os from 'node:os';
import type { RenditionSpec } from '../../lambda/config.js';
import { ThumbsError } from '../errors.js';
import type { Reporter } from '../output/reporter.js';
import type { Architecture } from '../package/project.js';
import { COMPARED_MEMORY_MB, compareMemory, meanProfile, quantile, type MemoryOption } from '../cost/compare.js';
import { describeAssumptions } from '../cost/assumptions.js';
import { writeLastEstimate } from '../cost/last-estimate.js';
import { BATCH_SIZE, parallelFractionOf } from '../cost/lambda-model.js';
import { measureSample } from '../cost/measure.js';
import { costPerImage, type CostParts } from '../cost/per-image.js';
import { pricesFor, type Prices } from '../cost/prices.js';
import { evenSample, folderImages } from '../cost/sample.js';

export interface EstimateOptions {
  folder: string;
  /** Images to price; default: the folder's. */
  images?: number;
  /** One size, or several to compare. */
  memoryMb: readonly number[];
  arch: Architecture;
  region: string;
  /** Where the region came from, for the message when the price table lacks it. */
  regionFrom: string;
  renditions: readonly RenditionSpec[];
  quality: number;
  maxPixels: number;
  sampleBound: number;
  /** Where to keep the result for `provision`; absent: not kept. */
  record?: { stateDir: string; stack: string };
}

export interface EstimateResult {
  /** Photos rendered and measured. */
  sample: number;
  msPerImage: number;
  memoryMb: number;
  arch: Architecture;
  region: string;
  prices: Prices;
  perImage: CostParts;
  forImages: { images: number; total: number; storageGbMonth: number; storagePerMonth: number };
  /** Per image and for the images: as if every photo were like the sample's lightest tenth, the mean, the heaviest tenth. */
  range: { perImage: Spread; forImages: Spread };
  /** Every size asked for, when more than one: the top level is the cheapest of them. */
  memoryComparison?: MemoryOption[];
  measured: {
    folder: string;
    folderImages: number;
    cpuMsPerImage: number;
    wallMsPerImage: number;
    parallelFraction: number;
    outputBytesPerImage: number;
    renditions: string;
    quality: number;
    machine: string;
    failed: Array<{ path: string; reason: string }>;
  };
  assumptions: string[];
}

export interface Spread {
  low: number;
  typical: number;
  high: number;
}

export function machineDescription(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}`;
}

/** `thumbs estimate`: renders a sample of the folder as the function would and prices the pipeline for it. */
export async function estimate(options: EstimateOptions, reporter: Reporter): Promise<EstimateResult> {
  // Checked first: an unknown region is a usage error before any photo is rendered.
  const prices = pricesFor(options.region, options.arch, options.regionFrom);
  const folder = await reporter.step(`list the images in ${options.folder}`, () => folderImages(options.folder));
  const chosen = evenSample(folder.images, options.sampleBound);
  const progress = reporter.progress(`render ${chosen.length} of ${folder.images.length} photos with the function's transform`, chosen.length);
  const { measured, failed } = await measureSample(chosen, options, BATCH_SIZE, () => progress.tick());
  progress.done();
  if (measured.length === 0) {
    throw new ThumbsError('no-images', `none of the ${chosen.length} sampled photos in "${options.folder}" could be rendered (${failed[0]?.reason ?? 'unknown'})`, {
      hint: 'The function would record them as failed; give a folder of photos it can read.',
      exitCode: 2,
    });
  }
  const cpuMs = measured.reduce((sum, m) => sum + m.cpuMs, 0);
  const wallMs = measured.reduce((sum, m) => sum + m.wallMs, 0);
  const parallelFraction = parallelFractionOf(cpuMs, wallMs, os.availableParallelism());
  // Originals are priced from every image of the folder, renditions and the rest from the sample.
  const profile = { ...meanProfile(measured), originalBytes: folder.bytes / folder.images.length };
  const byMemory = compareMemory(profile, parallelFraction, prices, options.memoryMb);
  const memoryMb = options.memoryMb.length > 1 ? byMemory.find((o) => o.cheapest)!.memoryMb : options.memoryMb[0]!;
  const typical = costPerImage(profile, memoryMb, parallelFraction, prices);
  const each = measured.map((m) => costPerImage(m, memoryMb, parallelFraction, prices).parts.total).sort((a, b) => a - b);
  const images = options.images ?? folder.images.length;
  const perImage: Spread = { low: Math.min(quantile(each, 0.1), typical.parts.total), typical: typical.parts.total, high: Math.max(quantile(each, 0.9), typical.parts.total) };
  const renditions = options.renditions.map((r) => `${r.format}:${r.size}`).join(',');
  const result: EstimateResult = {
    sample: measured.length,
    msPerImage: typical.msPerImage,
    memoryMb,
    arch: options.arch,
    region: options.region,
    prices,
    perImage: typical.parts,
    forImages: { images, total: typical.parts.total * images, storageGbMonth: typical.storageGb * images, storagePerMonth: typical.storageGb * images * prices.s3GbMonth },
    range: { perImage, forImages: { low: perImage.low * images, typical: perImage.typical * images, high: perImage.high * images } },
    ...(options.memoryMb.length > 1 ? { memoryComparison: byMemory } : {}),
    measured: {
      folder: options.folder,
      folderImages: folder.images.length,
      cpuMsPerImage: cpuMs / measured.length,
      wallMsPerImage: wallMs / measured.length,
      parallelFraction,
      outputBytesPerImage: profile.renditionBytes,
      renditions,
      quality: options.quality,
      machine: machineDescription(),
      failed,
    },
    assumptions: [],
  };
  result.assumptions = describeAssumptions(result, profile, prices);
  if (options.record) {
    const kept = {
      at: new Date().toISOString(),
      folder: options.folder,
      sample: measured.length,
      region: options.region,
      arch: options.arch,
      renditions,
      quality: options.quality,
      profile,
      parallelFraction,
      byMemory: compareMemory(profile, parallelFraction, prices, [...COMPARED_MEMORY_MB, ...options.memoryMb]),
    };
    // Kept for provision's advice only: a state folder that cannot be written must not lose the estimate.
    await writeLastEstimate(options.record.stateDir, options.record.stack, kept).catch((error: NodeJS.ErrnoException) =>
      reporter.warn(`the estimate is not kept for \`thumbs provision\` (${error.code ?? error.message} writing in ${options.record!.stateDir})`));
  }
  return result;
}
