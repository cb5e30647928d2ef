#!/usr/bin/env node
// The AWS SDK warns on every run under Node 20; `thumbs doctor` reports the Node version instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv);
