import { renderPathAndQuery, type RenderParams } from '../../lambda/render-url.js';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import type { OpenStack } from '../state/open-stack.js';
import { stateDirFor } from '../state/open-stack.js';
import { ensureRenderSecret, readRenderSecret } from './render-secret.js';
import { readRendererFile } from './renderer-file.js';

/** Where a stack's on-request renderer answers, and the key its URLs are signed with. */
export interface Renderer {
  /** No trailing slash: a signed path and query are appended. */
  baseUrl: string;
  secret: string;
}

const flagsOf = (ctx: Context) => `${ctx.settings.stack === 'default' ? '' : ` --stack ${ctx.settings.stack}`}${ctx.target.backend === 'embedded' ? ' --local' : ''}`;

function rendererMissing(ctx: Context, why: string): ThumbsError {
  return new ThumbsError('renderer-missing', `stack ${ctx.settings.stack} has no on-request renderer (${why})`, {
    hint: ctx.target.backend === 'embedded'
      ? `Start \`thumbs dev\` (it serves each embedded stack's renderer on loopback) and run \`thumbs provision${flagsOf(ctx)}\` if the stack is not provisioned.`
      : `Run \`thumbs provision${flagsOf(ctx)}\`: it gives the stack's function a URL (AWS) or start \`thumbs dev\` (embedded, with --local).`,
  });
}

/** The function URL of the stack's function; undefined when it has none (or there is no function). */
async function functionUrl(ctx: Context, functionName: string): Promise<string | undefined> {
  const [{ GetFunctionUrlConfigCommand }, { controlPlane }] = await Promise.all([import('@aws-sdk/client-lambda'), import('../aws/control-plane.js')]);
  try {
    const config = await controlPlane(ctx).lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: functionName }));
    return config.FunctionUrl;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The stack's renderer: on AWS and endpoints its function's URL (made by provision) and the signing
 * key kept with the stack's record; on the embedded backend the loopback address `thumbs dev`
 * wrote, and the key (made here if dev has not made it yet: the record's table exists once provisioned).
 */
export async function findRenderer(ctx: Context, stack: OpenStack): Promise<Renderer> {
  const table = stack.store.get('table')?.id ?? stack.names.table;
  if (ctx.target.backend === 'embedded') {
    const served = await readRendererFile(stateDirFor(ctx), stack.stack);
    if (!served) throw rendererMissing(ctx, 'thumbs dev is not serving it');
    const secret = await ensureRenderSecret(ctx, table);
    if (!secret) throw rendererMissing(ctx, `table ${table} does not exist`);
    return { baseUrl: served.url.replace(/\/+$/, ''), secret };
  }
  const functionName = stack.store.get('function')?.id;
  if (!functionName) throw rendererMissing(ctx, 'no function recorded');
  const [url, secret] = await Promise.all([functionUrl(ctx, functionName), readRenderSecret(ctx, table)]);
  if (!url) throw rendererMissing(ctx, `function ${functionName} has no function URL`);
  if (!secret) {
    throw new ThumbsError('render-secret-missing', `stack ${ctx.settings.stack} has no URL signing key in the record of table ${table}`, {
      hint: `Run \`thumbs provision${flagsOf(ctx)}\`: it makes the key the renderer checks signatures with.`,
    });
  }
  return { baseUrl: url.replace(/\/+$/, ''), secret };
}

/** A signed URL of the renderer for one original. */
export function signedRenderUrl(renderer: Renderer, key: string, params: RenderParams, expires: number): string {
  return `${renderer.baseUrl}${renderPathAndQuery(renderer.secret, key, params, expires)}`;
}
