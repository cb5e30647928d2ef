// Builds the CLI into dist/cli/: one entry file and the chunks its commands load on demand.
// Node then resolves a handful of files at start-up instead of ~160 compiled modules, which is
// most of what `thumbs --help` used to spend. Bundled with it: commander and fastest-levenshtein,
// which every start-up loads, and the AWS SDK in its ES module build, which commands load on
// demand (as CommonJS through Node's ESM loader it cost ~10% of an upload's CPU in resolution,
// module-format detection and export scanning, and ~25 MB of RSS). zod too: every command's
// options are checked with it, and as ~95 files of node_modules it cost ~0.1 s of CPU per run
// in resolving and compiling (its unused locales are left out of the bundle). The options' schemas use
// zod/mini: the same checks and messages, ~50 KB of chunk instead of ~760 KB (about 70 ms of CPU per run on Node 20). The other dependencies stay
// in node_modules: sharp loads a native binary, dynalite and fauxqs read their own files.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(root, 'dist', 'cli');
const BUNDLED = new Set(['commander', 'fastest-levenshtein', 'zod']);
const bundled = (name) => BUNDLED.has(name) || /^@(aws-sdk|smithy)\//.test(name);
const { dependencies } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const external = Object.keys(dependencies).filter((name) => !bundled(name));

await rm(path.join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: { main: path.join(root, 'src', 'cli', 'main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // A package's subpaths (csv-stringify/sync, @aws-sdk/...) stay external with it.
  external: external.flatMap((name) => [name, `${name}/*`]),
  // Bundled CommonJS (commander) calls require() for Node built-ins, which ESM output lacks.
  banner: { js: "import{createRequire as __thumbsCreateRequire}from'node:module';const require=__thumbsCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  // The SDK's ES module builds, as the function's bundle takes them (src/package/bundle.ts).
  mainFields: ['module', 'main'],
  logLevel: 'warning',
});
