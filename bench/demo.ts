/**
 * The offline demo end to end over images/: emulators, provision, upload, processing by the local
 * worker, scan and teardown, timed from outside the process (start-up included). Target: < 15 s.
 */
import { spawnSync } from 'node:child_process';

interface DemoJson {
  images: number;
  done: number;
  seconds: number;
  processingSeconds: number;
}

export default async function benchDemo(): Promise<Record<string, unknown>> {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['bin/thumbs.js', 'demo', '--json', '--quiet'], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CI: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`thumbs demo exited ${run.status}: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as DemoJson;
  const figures = {
    images: result.images,
    done: result.done,
    wallSeconds: Number(wallSeconds.toFixed(2)),
    inProcessSeconds: Number(result.seconds.toFixed(2)),
    processingSeconds: Number(result.processingSeconds.toFixed(2)),
    targetSeconds: 15,
  };
  console.log(`demo: ${result.done}/${result.images} images processed`);
  console.log(`  wall clock ${figures.wallSeconds}s (target < 15 s); upload + processing ${figures.processingSeconds}s`);
  return figures;
}
