import type { Check, CheckOutcome } from './types.js';

/** The floor package.json declares in "engines". */
export const MIN_NODE = { major: 20, minor: 12 };

/** Pure, so tests can feed it any version string. */
export function nodeVersionOutcome(version: string): CheckOutcome {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const lambda = 'the function is deployed as nodejs22.x whatever runs the CLI';
  if (major < MIN_NODE.major || (major === MIN_NODE.major && minor < MIN_NODE.minor)) {
    return {
      status: 'fail',
      detail: `Node ${version} is too old: thumbs needs ${MIN_NODE.major}.${MIN_NODE.minor} or later`,
      fix: 'Install Node 22 LTS or later (e.g. `nvm install 22`).',
    };
  }
  if (major < 22) {
    return {
      status: 'warn',
      detail: `Node ${version} works, but Node 20 is past end of life and the AWS SDK for JavaScript will require Node 22 from 2027; ${lambda}`,
      fix: 'Move to Node 22 LTS or later when you can.',
    };
  }
  return { status: 'pass', detail: `Node ${version}; ${lambda}` };
}

export const nodeVersionCheck: Check = {
  name: 'node version',
  applies: () => true,
  run: async (d) => nodeVersionOutcome(d.nodeVersion),
};
