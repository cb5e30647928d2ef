/**
 * How close one rendition is to another of the same picture: SSIM and PSNR over the pixels. The bench
 * uses it to separate the encoder's loss (a WebP against the same tool's lossless PNG of the same size)
 * from the resampling (one tool's lossless rendition against the other's).
 */
import sharp, { type Sharp } from 'sharp';
import { ssim } from 'ssim.js';

export interface Similarity {
  /** Mean SSIM (0-1, 1 = identical), full resolution: no downsampling that would hide artefacts. */
  ssim: number;
  /** PSNR in dB over RGB. */
  psnr: number;
}

interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** `candidate` is resized to the reference's dimensions first if the two tools rounded them differently. */
export async function similarity(referenceFile: string, candidateFile: string): Promise<Similarity> {
  const reference = await rgba(sharp(referenceFile));
  const candidate = await rgba(sharp(candidateFile).resize(reference.width, reference.height, { fit: 'fill' }));
  return { ssim: ssim(reference, candidate, { ssim: 'weber', downsample: false }).mssim, psnr: psnr(reference, candidate) };
}

async function rgba(image: Sharp): Promise<Rgba> {
  const { data, info } = await image.toColourspace('srgb').ensureAlpha(1).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

function psnr(a: Rgba, b: Rgba): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = (a.data[i + c] ?? 0) - (b.data[i + c] ?? 0);
      sum += d * d;
      n++;
    }
  }
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255 * n) / sum);
}
