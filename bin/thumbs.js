#!/usr/bin/env node
// The AWS SDK warns on every run under Node 20; `thumbs doctor` reports the Node version instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `thumbs scan-db | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
