/** One line of the function's log, normalised: our JSON fields, plus where it came from. */
export interface LogRecord {
  /** ISO time of the line. */
  time: string;
  level?: string;
  msg?: string;
  key?: string;
  status?: string;
  ms?: number;
  error?: string;
  reason?: string;
  messageId?: string;
  /** Lambda's request id (CloudWatch, JSON log format); absent on the embedded backend. */
  requestId?: string;
  [field: string]: unknown;
}

export interface LogQuery {
  /** Epoch ms: only lines at or after this time. */
  since: number;
  /** Substring of the line's text. */
  filter?: string;
  /** Only the records of this image key. */
  key?: string;
  /** Terms any of which a wanted line holds (message ids, keys): narrows what the server returns, nothing more. */
  anyOf?: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A line as the function wrote it, or as Lambda wraps it with LogFormat JSON
 * ({timestamp, level, requestId, message}, message being our JSON line as a string or an object).
 * Any other text (START/REPORT lines of the text format) becomes a record with only `msg`.
 */
export function parseLogLine(text: string, fallbackTime: number): LogRecord {
  const parsed = parseJson(text.trim());
  if (!isObject(parsed)) return { time: new Date(fallbackTime).toISOString(), msg: text.trim() };
  if ('requestId' in parsed && 'message' in parsed) {
    const inner = typeof parsed.message === 'string' ? parseJson(parsed.message) : parsed.message;
    const envelope = { time: String(parsed.timestamp ?? new Date(fallbackTime).toISOString()), requestId: String(parsed.requestId) };
    if (isObject(inner)) return { ...envelope, ...inner, requestId: envelope.requestId } as LogRecord;
    return { ...envelope, level: String(parsed.level ?? '').toLowerCase(), msg: String(parsed.message) };
  }
  if (typeof parsed.time !== 'string') return { time: new Date(fallbackTime).toISOString(), ...parsed } as LogRecord;
  return parsed as LogRecord;
}

/** Applied on the client to every source, so --key and --filter mean the same on AWS and offline. */
export function matches(record: LogRecord, text: string, query: LogQuery): boolean {
  if (Date.parse(record.time) < query.since) return false;
  if (query.key !== undefined && record.key !== query.key) return false;
  if (query.filter !== undefined && !text.includes(query.filter) && !JSON.stringify(record).includes(query.filter)) return false;
  return true;
}

/** `18:42:23.123 done     photos/a.jpg  412 ms`, with the error or reason when there is one. */
export function formatRecord(record: LogRecord): string {
  const time = record.time.replace(/^\d{4}-\d\d-\d\dT/, '').replace(/Z$/, '');
  if (record.msg === 'record') {
    const why = record.error ? `  error: ${record.error}` : record.reason ? `  (${record.reason})` : '';
    return `${time} ${String(record.status ?? '?').padEnd(8)} ${record.key ?? '?'}  ${record.ms ?? '?'} ms${why}`;
  }
  if (record.msg === 'malformed message') return `${time} ${'error'.padEnd(8)} malformed message ${record.messageId ?? ''}: ${record.reason ?? ''}`;
  const { time: _time, level, msg, ...rest } = record;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${time} ${String(level ?? 'info').padEnd(8)} ${msg ?? ''}${extra}`;
}
