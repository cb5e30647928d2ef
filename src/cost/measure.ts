import { readFile } from 'node:fs/promises';
import type { RenditionSpec } from '../../lambda/config.js';
import { objectKey } from '../upload/object-key.js';
import type { FoundFile } from '../upload/walk-folder.js';
import type { ImageProfile } from './per-image.js';
import { recordSizes } from './pipeline-records.js';

export interface RenderSettings {
  renditions: readonly RenditionSpec[];
  quality: number;
  maxPixels: number;
}

export interface MeasuredImage extends ImageProfile {
  path: string;
  wallMs: number;
}

export interface SampleMeasurement {
  measured: MeasuredImage[];
  /** Photos the function would refuse (corrupt, too large): recorded as failed, not priced. */
  failed: Array<{ path: string; reason: string }>;
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/**
 * Renders each photo of the sample with the function's own transform and placeholder, one at a
 * time, measuring this process's CPU time (every libvips thread included) and wall time. The
 * first photo is rendered once before, unmeasured, so sharp's start-up is not counted as work.
 */
export async function measureSample(files: readonly FoundFile[], settings: RenderSettings, batchSize: number, onImage: () => void): Promise<SampleMeasurement> {
  // Loaded here only: sharp and the transform cost more to load than the rest of the CLI.
  const [{ transform }, { placeholderOf }] = await Promise.all([import('../../lambda/transform.js'), import('../../lambda/placeholder.js')]);
  const render = async (input: Buffer) => {
    const result = await transform(input, settings);
    return { result, placeholder: await placeholderOf(result.renditions) };
  };
  const measured: MeasuredImage[] = [];
  const failed: SampleMeasurement['failed'] = [];
  let warmedUp = false;
  for (const file of files) {
    const input = await readFile(file.path);
    try {
      if (!warmedUp) {
        await render(input);
        warmedUp = true;
      }
      const cpu = process.cpuUsage();
      const started = performance.now();
      const { result, placeholder } = await render(input);
      const wallMs = performance.now() - started;
      const cpuMs = cpuMsSince(cpu);
      const sizes = recordSizes({
        key: objectKey(file.relative),
        bytes: input.length,
        contentType: `image/${result.format}`,
        width: result.width,
        height: result.height,
        format: result.format,
        renditions: result.renditions,
        ...placeholder,
        ms: wallMs,
      }, settings.renditions, settings.quality, batchSize);
      measured.push({
        path: file.path,
        cpuMs,
        wallMs,
        originalBytes: input.length,
        renditionBytes: result.renditions.reduce((sum, r) => sum + r.bytes, 0),
        renditions: result.renditions.length,
        ...sizes,
      });
    } catch (error) {
      failed.push({ path: file.path, reason: (error as Error).message });
    } finally {
      onImage();
    }
  }
  return { measured, failed };
}
