/**
 * Child process of bench/transform.ts: runs the Lambda transform over the files named on stdin
 * (JSON) and prints its own CPU time and peak RSS, so node's start-up is measured apart.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseRenditions } from '../lambda/config.js';
import { transform } from '../lambda/transform.js';

interface WorkerInput {
  files: string[];
  renditions: string;
  quality: number;
  outDir: string;
}

const input = JSON.parse(readFileSync(0, 'utf8')) as WorkerInput;
const renditions = parseRenditions(input.renditions);
mkdirSync(input.outDir, { recursive: true });

const startRss = process.resourceUsage().maxRSS;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const file of input.files) {
  const result = await transform(readFileSync(file), { renditions, quality: input.quality, maxPixels: 100_000_000 });
  for (const r of result.renditions) writeFileSync(join(input.outDir, `${basename(file)}_${r.name}.${r.format}`), r.body);
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    totalCpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    wallMs,
    peakRssMb: usage.maxRSS / 1024,
    startRssMb: startRss / 1024,
  }),
);
