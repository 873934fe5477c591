/**
 * Auth.js's default logger prints a stack trace and the cause's stack for every error, so a client
 * that sends a garbage session cookie writes a kilobyte of log per request. Errors a client causes
 * (a cookie that does not decrypt, a bad CSRF token, wrong credentials) are expected noise: one
 * line, control characters stripped, bounded length. Anything else keeps its cause's message on
 * that line too, still without stacks (the stack of a library's decrypt call helps nobody).
 */
const MAX_LINE = 300;

export function authErrorLogLine(error: unknown): string {
  const record = (error ?? {}) as { type?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const name = typeof record.type === "string" ? record.type : typeof record.name === "string" ? record.name : "Error";
  const message = typeof record.message === "string" ? firstLine(record.message) : "";
  const cause = causeMessage(record.cause);
  const line = `[auth][error] ${name}${message ? `: ${message}` : ""}${cause && !message.includes(cause) ? ` (cause: ${cause})` : ""}`;
  return clean(line).slice(0, MAX_LINE);
}

function causeMessage(cause: unknown): string {
  if (!cause || typeof cause !== "object") return "";
  const err = (cause as { err?: unknown }).err ?? cause;
  const message = (err as { message?: unknown }).message;
  return typeof message === "string" ? firstLine(message) : "";
}

function firstLine(value: string): string {
  // Auth.js appends "Read more at https://errors.authjs.dev#…" on a second line.
  return value.split(/\r?\n/)[0]!.replace(/\.?\s*Read more at \S+/, "").trim();
}

function clean(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, " ");
}
