import { Option, type Command } from 'commander';

/** Options every command accepts; precedence is flag, then environment, then thumbs.config.json. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('-s, --stack <name>', 'stack name; resources are named thumbs-<stack>-... (env THUMBS_STACK)', undefined)
    .option('--region <region>', 'AWS region (env THUMBS_REGION, AWS_REGION, AWS_DEFAULT_REGION; else the profile\'s, else us-east-1)')
    .option('--profile <name>', 'AWS profile from ~/.aws/config, SSO profiles included (env THUMBS_PROFILE, AWS_PROFILE)')
    .option('--endpoint-url <url>', 'send every call to this endpoint, e.g. LocalStack http://localhost:4566 (env THUMBS_ENDPOINT_URL; AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured per service)')
    .option('--local', 'use the embedded offline backend started by `thumbs dev` (env THUMBS_LOCAL=1)')
    .option('--json', 'print one JSON document on stdout instead of text (env THUMBS_JSON=1)')
    .option('-y, --yes', 'answer yes to every confirmation; needed without a terminal (env THUMBS_YES=1)')
    .option('-v, --verbose', 'show each step and AWS call with timings, and stack traces on errors (env THUMBS_VERBOSE=1)')
    .addOption(new Option('-q, --quiet', 'print only results and errors (env THUMBS_QUIET=1)').conflicts('verbose'))
    .option('--no-color', 'no colours (env NO_COLOR=1; FORCE_COLOR=1 forces them)');
}
