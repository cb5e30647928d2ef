/**
 * `npm run bench [-- name...]`: runs each benchmark module in turn and prints its figures.
 * Every figure is compared with a reference measured in the same run (AWS CLI, vipsthumbnail...),
 * so the ratios hold on any machine; nothing here is a pass/fail test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const BENCHES = ['upload', 'transform', 'deploy', 'demo', 'scale'] as const;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const selected = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b)) : [...BENCHES];
  const results: Record<string, unknown> = {};
  for (const name of selected) {
    console.log(`\n=== ${name} ===`);
    const started = performance.now();
    const module = (await import(`./${name}.ts`)) as { default: () => Promise<Record<string, unknown>> };
    results[name] = await module.default();
    console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)}s)`);
  }
  const out = path.join('bench', '.work', 'results.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
  console.log(`\nfigures written to ${out}`);
}

await main();
