import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run conformance`: only the conformance suite, against the backend scripts/conformance.ts
 * chose. On a real account (--profile) the suite must reach AWS, so the loopback guard of the other
 * tests is left out there; everywhere else it stays.
 */
const realAccount = Boolean(process.env.THUMBS_CONFORMANCE_PROFILE);

export default defineConfig({
  test: {
    ...base.test,
    include: ['test/conformance/**/*.test.ts'],
    setupFiles: realAccount ? [] : ['test/setup.ts'],
    testTimeout: 180_000,
  },
});
