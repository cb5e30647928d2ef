import { credentialsCheck } from './credentials.js';
import { endpointCheck, localBackendCheck } from './endpoint.js';
import { FUNCTION_CHECKS } from './function-checks.js';
import { nodeVersionCheck } from './node-version.js';
import { regionCheck } from './region.js';
import type { Check, CheckOutcome, CheckResult, DoctorContext } from './types.js';

/** In the order they are printed; they run concurrently (shared facts such as the caller identity are memoized). */
export const CHECKS: Check[] = [nodeVersionCheck, localBackendCheck, endpointCheck, credentialsCheck, regionCheck, ...FUNCTION_CHECKS];

/** doctor's job includes finding a silent endpoint, so no check waits longer than this for one (10 s in all with startup). */
export const DOCTOR_DEADLINE_MS = 7_000;

/** What a check that ran out of time waited for: the custom endpoints, else AWS in the region. */
function silentOutcome(d: DoctorContext, deadlineMs: number): CheckOutcome {
  const endpoints = [...new Set(Object.values(d.ctx.target.endpoints ?? {}).filter(Boolean))];
  const where = endpoints.length > 0 ? endpoints.join(', ') : `AWS in ${d.ctx.clients.region}`;
  return {
    status: 'fail',
    detail: `gave up: no answer from ${where} within ${deadlineMs / 1000} s`,
    fix: endpoints.length > 0
      ? 'Something accepts connections there but does not answer: restart the endpoint, or correct --endpoint-url (or AWS_ENDPOINT_URL).'
      : 'Check your network (a firewall or proxy that swallows connections?), then run `thumbs doctor` again.',
  };
}

/** Resolves with the deadline's outcome once the signal is aborted, whatever the check is still waiting for. */
function deadlineOf(d: DoctorContext, deadlineMs: number): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    if (d.signal.aborted) resolve(silentOutcome(d, deadlineMs));
    d.signal.addEventListener('abort', () => resolve(silentOutcome(d, deadlineMs)), { once: true });
  });
}

async function runOne(check: Check, d: DoctorContext, deadlineMs: number): Promise<CheckResult> {
  if (!check.applies(d)) {
    return { name: check.name, ok: true, status: 'skip', detail: check.skipped?.(d) ?? 'skipped: does not apply here' };
  }
  try {
    const outcome = await Promise.race([check.run(d), deadlineOf(d, deadlineMs)]);
    // A check whose calls were ended by the deadline reports the silence, not the abort.
    const final = d.signal.aborted && outcome.status === 'fail' ? silentOutcome(d, deadlineMs) : outcome;
    return { name: check.name, ok: final.status !== 'fail', ...final };
  } catch (error) {
    // A check that throws is a bug in the check, but doctor must still report the others.
    return { name: check.name, ok: false, status: 'fail', detail: `check crashed: ${(error as Error).message}` };
  }
}

export function runChecks(d: DoctorContext, checks: readonly Check[] = CHECKS, deadlineMs = DOCTOR_DEADLINE_MS): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => runOne(check, d, deadlineMs)));
}
