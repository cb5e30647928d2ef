import { randomBytes } from 'node:crypto';
import { RENDER_SECRET_NAME } from '../../lambda/contract.js';
import type { Context } from '../context.js';
import { ensureSecret, readSecret } from '../state/stack-record.js';

/**
 * The on-request renderer's URL signing key (lambda/render-url.ts): generated once per stack, kept
 * with the stack's record in its table (never in a local file), so every folder, machine and
 * teammate signs with the same key.
 */
export { RENDER_SECRET_NAME };

const generate = () => randomBytes(32).toString('base64url');

/** The stack's URL signing key, created by the first caller; undefined when the table does not exist. */
export const ensureRenderSecret = (ctx: Context, table: string) => ensureSecret(ctx, table, RENDER_SECRET_NAME, generate);

/** The stack's URL signing key, or undefined when none was made yet (or there is no table). */
export const readRenderSecret = (ctx: Context, table: string) => readSecret(ctx, table, RENDER_SECRET_NAME);
