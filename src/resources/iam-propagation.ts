import { setTimeout as delay } from 'node:timers/promises';
import { errorName } from '../aws/aws-errors.js';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => delay(ms);

/** Right after CreateRole, Lambda cannot assume the role yet (DESIGN "AWS facts" 6). */
export const isRoleNotAssumable = (error: unknown) =>
  errorName(error) === 'InvalidParameterValueException' &&
  /The role defined for the function cannot be assumed by Lambda/.test((error as Error).message ?? '');

/** Right after PutRolePolicy, CreateEventSourceMapping can still see the role without its SQS permissions. */
export const isQueuePermissionNotVisible = (error: unknown) =>
  errorName(error) === 'InvalidParameterValueException' &&
  /execution role does not have permissions to call/i.test((error as Error).message ?? '');

export interface PropagationRetry {
  /** Which error is the propagation delay; anything else is thrown at once. */
  retryable: (error: unknown) => boolean;
  /** Default 90 s of waiting in total. */
  budgetMs?: number;
  /** Injectable so tests need no real time; default setTimeout. */
  sleep?: Sleep;
  onRetry?: (attempt: number, waitMs: number) => void;
}

/** Retries one named IAM propagation error with exponential backoff (1, 2, 4, 8, then 10 s) within the budget. */
export async function retryPropagation<T>(work: () => Promise<T>, options: PropagationRetry): Promise<T> {
  const budget = options.budgetMs ?? 90_000;
  const sleep = options.sleep ?? realSleep;
  let waited = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const wait = Math.min(1_000 * 2 ** (attempt - 1), 10_000, budget - waited);
      if (!options.retryable(error) || wait <= 0) throw error;
      options.onRetry?.(attempt, wait);
      await sleep(wait);
      waited += wait;
    }
  }
}
