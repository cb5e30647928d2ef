import { costPerImage, type ImageProfile } from './per-image.js';
import type { Prices } from './prices.js';

/** The sizes `provision` compares the chosen memory with (Lambda's sizes that matter for sharp). */
export const COMPARED_MEMORY_MB = [512, 1024, 1536, 1769, 2048, 3008] as const;

export interface MemoryOption {
  memoryMb: number;
  msPerImage: number;
  /** US dollars per image, every service. */
  perImage: number;
  cheapest: boolean;
  fastest: boolean;
}

/** Costs this close count as equal: below 1,769 MB time and memory trade one for one, and only the per-batch rounding tells them apart. */
const SAME_COST = 1e-3;

/** Each size's time and cost per image; the cheapest (the faster on a tie) and the fastest (the cheaper on a tie) marked. */
export function compareMemory(profile: ImageProfile, parallelFraction: number, prices: Prices, sizes: readonly number[]): MemoryOption[] {
  const options = [...new Set(sizes)].sort((a, b) => a - b).map((memoryMb) => {
    const cost = costPerImage(profile, memoryMb, parallelFraction, prices);
    return { memoryMb, msPerImage: cost.msPerImage, perImage: cost.parts.total, cheapest: false, fastest: false };
  });
  const lowest = Math.min(...options.map((option) => option.perImage));
  const cheapest = options.filter((option) => option.perImage <= lowest * (1 + SAME_COST)).reduce((best, option) => (option.msPerImage < best.msPerImage ? option : best));
  const fastest = options.reduce((best, option) => (option.msPerImage < best.msPerImage || (option.msPerImage === best.msPerImage && option.perImage < best.perImage) ? option : best), options[0]!);
  cheapest.cheapest = true;
  fastest.fastest = true;
  return options;
}

/** The mean of each measured figure: what N images cost is N times the mean image. */
export function meanProfile(profiles: readonly ImageProfile[]): ImageProfile {
  const mean = (pick: (p: ImageProfile) => number) => profiles.reduce((sum, p) => sum + pick(p), 0) / profiles.length;
  return {
    cpuMs: mean((p) => p.cpuMs),
    originalBytes: mean((p) => p.originalBytes),
    renditionBytes: mean((p) => p.renditionBytes),
    renditions: Math.round(mean((p) => p.renditions)),
    logBytes: mean((p) => p.logBytes),
    itemBytes: mean((p) => p.itemBytes),
    messageBytes: mean((p) => p.messageBytes),
  };
}

/** The value below which `q` of the sorted values lie (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
