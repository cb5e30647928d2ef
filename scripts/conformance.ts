/**
 * npm run conformance -- [--endpoint-url URL] [--profile NAME] [--region R] [--function-runs yes|no] [vitest args]
 *
 * Runs the conformance suite (test/conformance/) against one backend: the embedded backend with no
 * option (as inside `npm test`), an AWS-compatible endpoint (moto, LocalStack), or a real account.
 * Every step prints `conformance | backend | family | step | outcome`; the exit code is vitest's.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: {
    'endpoint-url': { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
    'function-runs': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
  strict: false,
});

if (values.help) {
  console.log(`usage: npm run conformance -- [--endpoint-url URL] [--profile NAME] [--region R] [--function-runs yes|no] [test file filter]

  no option               the embedded backend (thumbs dev), as inside npm test
  --endpoint-url URL      an AWS-compatible endpoint: moto, LocalStack (credentials from AWS_ACCESS_KEY_ID etc., else "testing")
  --profile NAME          a real AWS account (creates and tears down small stacks; see README "Backends and conformance")
  --function-runs no      the endpoint records Lambda functions but does not run them (found out by itself for moto)

examples:
  npm run conformance -- --endpoint-url http://127.0.0.1:5000
  npm run conformance -- --endpoint-url http://localhost:4566 --function-runs no
  npm run conformance -- --profile sandbox --region eu-west-1 teardown`);
  process.exit(0);
}

const env: NodeJS.ProcessEnv = { ...process.env };
const set = (name: string, value: unknown) => {
  if (typeof value === 'string' && value !== '') env[name] = value;
};
set('THUMBS_CONFORMANCE_ENDPOINT', values['endpoint-url']);
set('THUMBS_CONFORMANCE_PROFILE', values.profile);
set('THUMBS_CONFORMANCE_REGION', values.region);
set('THUMBS_CONFORMANCE_FUNCTION_RUNS', values['function-runs']);

const vitest = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.conformance.config.ts', ...positionals], { env, stdio: 'inherit' });
process.exit(vitest.status ?? 1);
