#!/usr/bin/env node
// The AWS SDK warns on every run under Node 20; `thumbs doctor` reports the Node version instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `thumbs scan-db | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// Node 22.1+ keeps the V8 code it compiled for the CLI and the SDK on disk (in its own cache under
// the temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs skip most of the
// compiling. Node 20 has no such cache and goes on as before.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
