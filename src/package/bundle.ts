import { build } from 'esbuild';
import path from 'node:path';

/** The bundle's file name inside the zip; `index.handler` is the function's Handler. */
export const BUNDLE_FILE = 'index.mjs';
export const LAMBDA_HANDLER = 'index.handler';

/**
 * Bundles lambda/handler.ts and its AWS SDK clients into one minified ESM file. sharp stays
 * external: it loads a native binary that must come from node_modules. The SDK is bundled rather
 * than taken from the runtime so the deployed clients are the versions the tests ran against.
 */
export async function bundleHandler(root: string, outDir: string): Promise<string> {
  const outfile = path.join(outDir, BUNDLE_FILE);
  await build({
    entryPoints: [path.join(root, 'lambda', 'handler.ts')],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    external: ['sharp'],
    // Bundled CommonJS dependencies call require() for Node built-ins, which ESM output lacks.
    banner: { js: "import{createRequire as __thumbsCreateRequire}from'node:module';const require=__thumbsCreateRequire(import.meta.url);" },
    legalComments: 'none',
    // Node 22 prefers the ESM builds of dependencies; this keeps resolution the same on every host.
    mainFields: ['module', 'main'],
    conditions: ['node', 'import'],
    logLevel: 'silent',
  });
  return outfile;
}
