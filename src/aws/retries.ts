import { loadConfig } from '@smithy/core/config';
import { NODE_MAX_ATTEMPT_CONFIG_OPTIONS } from '@smithy/core/retry';
import type { Provider } from '@smithy/types';

/** thumbs' default when neither AWS_MAX_ATTEMPTS nor the profile's max_attempts says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The attempts per call, resolved by the SDK's own loader (AWS_MAX_ATTEMPTS, then the profile's
 * max_attempts) with thumbs' default of 5 instead of the SDK's 3: a plain `maxAttempts: 5` would
 * override the user's configuration. The same for every backend: throttling on LocalStack or a
 * custom endpoint deserves the same patience as on AWS. The retry mode (AWS_RETRY_MODE, profile
 * retry_mode, default standard) is left to the SDK entirely.
 */
export function maxAttemptsProvider(profile: string | undefined): Provider<number> {
  return loadConfig({ ...NODE_MAX_ATTEMPT_CONFIG_OPTIONS, default: DEFAULT_MAX_ATTEMPTS }, profile ? { profile } : {});
}
