/**
 * `npm run bench [-- [name...] [--corpus <dir>]]`: runs each benchmark module in turn and prints its figures;
 * the photos default to the repository's images/.
 * Every figure is compared with a reference measured in the same run (AWS CLI, vipsthumbnail...),
 * so the ratios hold on any machine; nothing here is a pass/fail test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { corpusArgument, type BenchOptions } from './lib/corpus.js';

const BENCHES = ['startup', 'upload', 'transform', 'deploy', 'demo', 'reprocess', 'scale'] as const;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const args = process.argv.slice(2);
  const options: BenchOptions = { corpus: corpusArgument(args) };
  // Only bench names select: option values such as `--corpus <dir>` or `--runs 3` are for the benches themselves.
  const wanted = args.filter((a) => (BENCHES as readonly string[]).includes(a));
  const selected = wanted.length > 0 ? BENCHES.filter((b) => wanted.includes(b)) : [...BENCHES];
  const results: Record<string, unknown> = {};
  for (const name of selected) {
    console.log(`\n=== ${name} ===`);
    const started = performance.now();
    const module = (await import(`./${name}.ts`)) as { default: (options: BenchOptions) => Promise<Record<string, unknown>> };
    results[name] = await module.default(options);
    console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)}s)`);
  }
  const out = path.join('bench', '.work', 'results.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
  console.log(`\nfigures written to ${out}`);
}

await main();
