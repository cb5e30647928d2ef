import { errorName, httpStatus, isAccessDenied } from '../aws/aws-errors.js';
import { isEndpointNotAws } from '../aws/not-aws.js';
import { ThumbsError } from '../errors.js';

/** A call refused for lack of permission, with the IAM action that was denied. */
export class PermissionDenied extends ThumbsError {
  constructor(
    /** e.g. `amplify:CreateApp`, `s3:PutBucketPolicy`. */
    readonly action: string,
    /** AWS's own words, first line. */
    readonly detail: string,
    cause: unknown,
  ) {
    super('access-denied', `${action} was denied: ${detail}`, { cause });
  }
}

/** Amplify answers an IAM denial with AccessDeniedException, some older paths with UnauthorizedException. */
export function isDenied(error: unknown): boolean {
  return isAccessDenied(error) || errorName(error) === 'UnauthorizedException';
}

/** AWS usually names the action ("... is not authorized to perform: s3:PutBucketPolicy on ..."); trust that over our guess. */
export function deniedAction(error: unknown, expected: string): string {
  const message = (error as Error | undefined)?.message ?? '';
  return /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1] ?? expected;
}

/** Runs one AWS call; a denial becomes PermissionDenied naming the action, anything else passes through. */
export async function asAction<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // LocalStack's community edition answers 501 for services it lacks (Amplify): as good as a refusal here.
    if (httpStatus(error) === 501) throw new PermissionDenied(action, 'not available at this endpoint (HTTP 501)', error);
    // An endpoint that does not speak the service's API at all (a plain web server, an emulator without it): the same.
    if (isEndpointNotAws(error)) throw new PermissionDenied(action, `not available at this endpoint (${error.message})`, error);
    if (!isDenied(error)) throw error;
    const message = ((error as Error).message || errorName(error)).split('\n')[0] ?? errorName(error);
    throw new PermissionDenied(deniedAction(error, action), message, error);
  }
}
