import type { AwsTarget } from '../aws/target.js';
import { ThumbsError } from '../errors.js';
import { probeLocalEndpoints } from './local-file.js';

/**
 * A command on the embedded backend that can no longer reach it: when another `thumbs dev` now
 * runs for the same folder, the one this command read has restarted, and its data is gone.
 */
export async function explainStaleLocal(error: unknown, target: AwsTarget, stateDir: string): Promise<unknown> {
  if (target.backend !== 'embedded' || (error as { code?: string } | undefined)?.code !== 'endpoint-unreachable') return error;
  const now = await probeLocalEndpoints(stateDir);
  if (!now.endpoints || now.problem || now.endpoints.s3 === target.endpoints?.s3) return error;
  return new ThumbsError('local-backend-restarted', `the embedded backend restarted: thumbs dev now runs as pid ${now.endpoints.pid} at ${now.endpoints.s3}, not at ${target.endpoints?.s3 ?? 'the endpoints this command read'}`, {
    hint: 'Everything in the old backend is gone with it: run `thumbs provision --local`, then this command again.',
    cause: error,
  });
}
