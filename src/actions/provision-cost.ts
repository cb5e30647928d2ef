import path from 'node:path';
import { parseRenditions } from '../../lambda/config.js';
import { COMPARED_MEMORY_MB, compareMemory } from '../cost/compare.js';
import { readLastEstimate, type LastEstimate } from '../cost/last-estimate.js';
import { costPerImage, type CostParts } from '../cost/per-image.js';
import { pricesFor } from '../cost/prices.js';
import { isThumbsError } from '../errors.js';
import { money } from '../output/cost.js';
import type { Reporter } from '../output/reporter.js';
import { projectRoot } from '../package/project.js';
import type { StackConfig } from '../state/stack-config.js';
import { estimate } from './estimate.js';

/** A size this much dearer per photo than the cheapest is worth a line in provision's output. */
export const FAR_FROM_CHEAPEST = 0.1;

/** Photos rendered for `--expect` when the stack has no estimate of its own. */
const BUNDLED_SAMPLE = 8;

export interface MonthlyCost {
  images: number;
  memoryMb: number;
  arch: string;
  region: string;
  perImage: CostParts;
  /** Processing the month's photos, every service. */
  perMonth: number;
  /** Each month's photos add this much storage, and its cost, for every later month they are kept. */
  storageGbAddedPerMonth: number;
  storageCostAddedPerMonth: number;
  /** Whose photos the figures are measured on. */
  basis: string;
}

export interface ProvisionCost {
  /** Set when the stack's memory costs much more per photo than the cheapest size for the photos last estimated. */
  memoryNote?: string;
  monthly?: MonthlyCost;
  /** Why a figure could not be given (a region without prices). */
  warning?: string;
}

/** The cost lines provision adds to its plan: the memory advice, and with --expect the monthly cost. */
export async function provisionCost(stateDir: string, stack: string, config: StackConfig, region: string, expect: number | undefined, reporter: Reporter): Promise<ProvisionCost> {
  const last = await readLastEstimate(stateDir, stack);
  const cost: ProvisionCost = {};
  try {
    if (last) cost.memoryNote = memoryNote(last, config);
    if (expect !== undefined) cost.monthly = await monthlyCost(last, config, region, expect, reporter);
  } catch (error) {
    // Advice only: a region the price table lacks must not fail a provision.
    if (!isThumbsError(error) || error.code !== 'unknown-price-region') throw error;
    cost.warning = `no cost figures: ${error.message}`;
  }
  return cost;
}

function memoryNote(last: LastEstimate, config: StackConfig): string | undefined {
  const options = compareMemory(last.profile, last.parallelFraction, pricesFor(last.region, config.arch), [...COMPARED_MEMORY_MB, config.memory]);
  const cheapest = options.find((o) => o.cheapest)!;
  const chosen = options.find((o) => o.memoryMb === config.memory)!;
  const dearer = chosen.perImage / cheapest.perImage - 1;
  if (dearer < FAR_FROM_CHEAPEST) return undefined;
  return `memory ${config.memory} MB costs ${(dearer * 100).toFixed(0)}% more per photo than ${cheapest.memoryMb} MB, the cheapest for the photos last estimated ` +
    `(${last.folder}, ${last.at.slice(0, 10)}): ${money(chosen.perImage * 1000)} against ${money(cheapest.perImage * 1000)} per 1,000 photos; ` +
    `\`thumbs provision --memory ${cheapest.memoryMb}\` to change it`;
}

async function monthlyCost(last: LastEstimate | undefined, config: StackConfig, region: string, images: number, reporter: Reporter): Promise<MonthlyCost> {
  const prices = pricesFor(region, config.arch, 'the stack\'s region');
  const base = { images, memoryMb: config.memory, arch: config.arch, region };
  if (last) {
    const cost = costPerImage(last.profile, config.memory, last.parallelFraction, prices);
    return monthly(base, cost.parts, cost.storageGb, prices.s3GbMonth, `the photos last estimated (${last.folder}, ${last.sample} rendered, ${last.at.slice(0, 10)})`);
  }
  const folder = path.join(projectRoot(), 'images');
  const result = await estimate({
    folder,
    images,
    memoryMb: [config.memory],
    arch: config.arch,
    region,
    regionFrom: 'the stack\'s region',
    renditions: parseRenditions(config.renditions),
    quality: config.quality,
    maxPixels: config.maxPixels,
    sampleBound: BUNDLED_SAMPLE,
  }, reporter);
  const storageGb = result.forImages.storageGbMonth / images;
  return monthly(base, result.perImage, storageGb, prices.s3GbMonth, `thumbs' own sample photos (${result.sample} rendered); \`thumbs estimate <folder>\` measures yours`);
}

function monthly(base: Omit<MonthlyCost, 'perImage' | 'perMonth' | 'storageGbAddedPerMonth' | 'storageCostAddedPerMonth' | 'basis'>, perImage: CostParts, storageGb: number, gbMonth: number, basis: string): MonthlyCost {
  return {
    ...base,
    perImage,
    perMonth: perImage.total * base.images,
    storageGbAddedPerMonth: storageGb * base.images,
    storageCostAddedPerMonth: storageGb * base.images * gbMonth,
    basis,
  };
}
