import type { Check, CheckOutcome } from './types.js';

/**
 * The floors package.json declares in "engines" (^20.19.0 || ^22.13.0 || >=24.0.0): the first
 * releases of each line where every dependency runs (vite, inquirer) and JSON imports warn no more.
 */
export const NODE_FLOORS: ReadonlyArray<{ major: number; minor: number }> = [{ major: 20, minor: 19 }, { major: 22, minor: 13 }, { major: 24, minor: 0 }];
export const ENGINES_RANGE = '^20.19.0 || ^22.13.0 || >=24.0.0';

function supported(major: number, minor: number): boolean {
  const floor = NODE_FLOORS.find((f) => f.major === major);
  if (floor) return minor >= floor.minor;
  return major > NODE_FLOORS.at(-1)!.major;
}

/** Pure, so tests can feed it any version string. */
export function nodeVersionOutcome(version: string): CheckOutcome {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const lambda = 'the function is deployed as nodejs22.x whatever runs the CLI';
  if (!supported(major, minor)) {
    return {
      status: 'fail',
      detail: `Node ${version} is not supported: thumbs needs Node 20.19+, 22.13+ or 24+`,
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
