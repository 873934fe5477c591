/** Structured JSON logs, one object per line on stdout. Callers never pass secrets (tokens, keys, credentials). */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export type Logger = { [L in LogLevel]: (msg: string, fields?: Record<string, unknown>) => void };

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const emit = (at: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[at] < LEVELS[level]) return;
    const error = fields.error instanceof Error ? { error: fields.error.message } : {};
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields, ...error })}\n`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
