export type LogLevel = 'info' | 'warn' | 'error';

/** Writes one structured line; the handler never formats text itself. */
export type Logger = (level: LogLevel, fields: Record<string, unknown>) => void;

/** One log line: the same JSON in CloudWatch and in the embedded backend's log file. */
export function logLine(level: LogLevel, fields: Record<string, unknown>): string {
  return JSON.stringify({ level, time: new Date().toISOString(), ...fields });
}

/** One JSON object per line: CloudWatch Logs Insights can filter on every field. */
export const jsonLogger: Logger = (level, fields) => {
  const line = logLine(level, fields);
  if (level === 'info') console.log(line);
  else console.error(line);
};

export const silentLogger: Logger = () => {};
