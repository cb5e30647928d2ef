import { credentialsCheck } from './credentials.js';
import { endpointCheck, localBackendCheck } from './endpoint.js';
import { FUNCTION_CHECKS } from './function-checks.js';
import { nodeVersionCheck } from './node-version.js';
import { regionCheck } from './region.js';
import type { Check, CheckResult, DoctorContext } from './types.js';

/** In the order they are printed; they run concurrently (shared facts such as the caller identity are memoized). */
export const CHECKS: Check[] = [nodeVersionCheck, localBackendCheck, endpointCheck, credentialsCheck, regionCheck, ...FUNCTION_CHECKS];

async function runOne(check: Check, d: DoctorContext): Promise<CheckResult> {
  if (!check.applies(d)) {
    return { name: check.name, ok: true, status: 'skip', detail: check.skipped?.(d) ?? 'skipped: does not apply here' };
  }
  try {
    const outcome = await check.run(d);
    return { name: check.name, ok: outcome.status !== 'fail', ...outcome };
  } catch (error) {
    // A check that throws is a bug in the check, but doctor must still report the others.
    return { name: check.name, ok: false, status: 'fail', detail: `check crashed: ${(error as Error).message}` };
  }
}

export function runChecks(d: DoctorContext, checks: readonly Check[] = CHECKS): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => runOne(check, d)));
}
