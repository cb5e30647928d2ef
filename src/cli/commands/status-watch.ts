import type { Command } from 'commander';
import type { Settings } from '../../config/settings.js';
import { claimInterrupt } from '../interrupt.js';
import type { Runtime } from '../runtime.js';
import { withContext } from '../runtime.js';

/**
 * `thumbs status --watch`: on a terminal the block is redrawn in place; otherwise (or with --json)
 * one line per tick is appended, so a log or a pipe keeps every tick. Ctrl-C ends it with exit 0.
 */
export async function runWatch(command: Command, runtime: Runtime, settings: Settings): Promise<void> {
  const { watchStatus, renderTick } = await import('../../actions/status-watch.js');
  const controller = new AbortController();
  const release = claimInterrupt(() => controller.abort());
  const redraw = Boolean(process.stdout.isTTY) && !settings.json;
  let drawn = 0;
  try {
    await withContext(command, runtime, (ctx) =>
      watchStatus(ctx, {
        signal: controller.signal,
        onTick: (tick) => {
          if (settings.json) {
            process.stdout.write(`${JSON.stringify({ stack: settings.stack, ...tick })}\n`);
            return;
          }
          const lines = renderTick(settings.stack, tick);
          if (!redraw) {
            process.stdout.write(`${tick.time} ${lines.slice(1).map((l) => l.trim().replace(/\s+/g, ' ')).join('; ')}\n`);
            return;
          }
          // Up over the previous block, then clear to the end of the screen, then draw.
          process.stdout.write(`${drawn ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}\n`);
          drawn = lines.length;
        },
      }),
    );
  } finally {
    release();
  }
}
