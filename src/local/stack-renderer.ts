import { loadConfig } from '../../lambda/config.js';
import { createRenderHandler } from '../../lambda/render-http.js';
import type { Context } from '../context.js';
import { ensureRenderSecret } from '../render/render-secret.js';
import { removeRendererFile, writeRendererFile, type RendererFile } from '../render/renderer-file.js';
import type { StackNames } from '../resources/names.js';
import type { StackState } from '../state/state-file.js';
import { serveRenderer, type ServedRenderer, type UrlHandler } from './dev-renderer.js';

export interface StackRenderer {
  url: string;
  reconfigure(env: Record<string, string | undefined>): void;
  /** Stops serving and removes the renderer file (if it is still this one's). */
  stop(): Promise<void>;
}

/**
 * A stack's on-request renderer on the embedded backend: the same function code as the stack's
 * function URL on AWS, with the stack's recorded settings and the signing key kept with its record,
 * served on loopback; its address goes to `<local state>/<stack>.renderer` for `thumbs url` and the
 * gallery. undefined while the stack's table (where the key lives) does not exist yet.
 */
export async function startStackRenderer(
  ctx: Context,
  localStateDir: string,
  stack: { names: StackNames; state: Pick<StackState, 'stack' | 'resources'> },
  env: Record<string, string | undefined>,
  onError?: (error: unknown) => void,
): Promise<StackRenderer | undefined> {
  const { resources } = stack.state;
  const table = resources.table?.id ?? stack.names.table;
  const secret = await ensureRenderSecret(ctx, table);
  if (!secret) return undefined;
  const handlerFor = (settings: Record<string, string | undefined>): UrlHandler => {
    const config = loadConfig({ THUMBS_THUMBNAILS_BUCKET: resources.thumbnailsBucket?.id ?? stack.names.thumbnailsBucket, THUMBS_TABLE: table, ...settings });
    return createRenderHandler({
      s3: ctx.clients.s3,
      originalsBucket: resources.originalsBucket?.id ?? stack.names.originalsBucket,
      thumbnailsBucket: config.thumbnailsBucket,
      secret,
      quality: config.quality,
      maxPixels: config.maxPixels,
      maxBytes: config.maxBytes,
    });
  };
  const served: ServedRenderer = await serveRenderer(handlerFor(env), onError);
  const entry: RendererFile = { url: served.url, pid: process.pid };
  await writeRendererFile(localStateDir, stack.state.stack, entry);
  return {
    url: served.url,
    reconfigure: (next) => served.setHandler(handlerFor(next)),
    async stop() {
      await served.close();
      await removeRendererFile(localStateDir, stack.state.stack, entry);
    },
  };
}
