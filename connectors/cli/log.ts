import pino, { type Logger } from 'pino';
import { redactPaths } from '../../hub/kernel/logger.js';

/**
 * How the connector CLI logs. Its human output — results on stdout, the progress bar and messages
 * on stderr — never has a JSON line in it:
 * - `human` (default): only errors are logged, each as one line on stderr (`error: …`);
 * - `verbose` (`--verbose`): from `info` (or `LOG_LEVEL`) up, as such lines;
 * - `json` (`--log-json`): pino's JSON lines on stderr, from `info` (or `LOG_LEVEL`) up, for a log
 *   collector; the progress bar is then off.
 */
export type LogMode = 'human' | 'verbose' | 'json';

const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** One log record as a line for people: `warn: sync failed; retrying (connector=…, attempt=1)`. */
export function humanLine(record: Record<string, unknown>): string {
  const level = pino.levels.labels[Number(record.level)] ?? String(record.level);
  const fields = Object.entries(record)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${level}: ${String(record.msg ?? '')}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`;
}

/** The CLI's logger in `mode`; human lines go to `write` (so they can be drawn above a progress bar). */
export function cliLogger(mode: LogMode, write: (line: string) => void): Logger {
  const options = {
    level: mode === 'human' ? 'error' : (process.env.LOG_LEVEL ?? 'info'),
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  if (mode === 'json') return pino(options, pino.destination({ fd: 2, sync: true }));
  return pino(options, {
    write: (chunk: string) => {
      for (const line of chunk.split('\n')) if (line) write(humanLine(JSON.parse(line)));
    },
  });
}
