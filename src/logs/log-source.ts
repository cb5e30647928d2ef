import { errorName } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { stackLogPath } from '../local/stack-log.js';
import { openStack, stateDirFor } from '../state/open-stack.js';
import { cloudWatchEvents } from './cloudwatch-source.js';
import { fileLogEvents, type FollowOptions } from './file-source.js';
import { matches, parseLogLine, type LogQuery, type LogRecord } from './log-record.js';

export interface SourcedRecord {
  record: LogRecord;
  /** The line as stored: our JSON line, or Lambda's JSON envelope around it. */
  text: string;
}

/** The function's log records of the current stack, filtered alike on every backend. */
export async function* stackLogRecords(ctx: Context, query: LogQuery, options: FollowOptions): AsyncGenerator<SourcedRecord> {
  const events = await eventsOf(ctx, query, options);
  try {
    for await (const event of events) {
      const record = parseLogLine(event.text, event.timestamp);
      if (matches(record, event.text, query)) yield { record, text: event.text };
    }
  } catch (error) {
    if (errorName(error) !== 'ResourceNotFoundException') throw error;
    throw new ThumbsError('no-log-group', `the function's log group does not exist (${(error as Error).message})`, {
      hint: 'Lambda creates it on the first invocation, and `thumbs provision` creates it up front: provision the function, or upload an image first.',
    });
  }
}

async function eventsOf(ctx: Context, query: LogQuery, options: FollowOptions) {
  if (ctx.target.backend === 'embedded') return fileLogEvents(stackLogPath(stateDirFor(ctx), ctx.settings.stack), options);
  const stack = await openStack(ctx, { persist: false });
  const group = stack.store.get('logGroup')?.id ?? stack.names.logGroup;
  return cloudWatchEvents(controlPlane(ctx).logs, group, query, options);
}
