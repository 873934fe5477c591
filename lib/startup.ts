import { inspect } from "node:util";
import { describeTarget, getDatabase, type DatabaseTarget } from "@/db/client";
import { FolderInUseError } from "@/db/folder-lock";
import { loadShippedFrameworks } from "./frameworks/load-catalogs";
import { getConfig } from "./config";
import { StewardError } from "./errors";
import { bootstrapAdminFromConfig } from "./users/first-admin";

/**
 * Start-up is retried, never fatal: a database that is down, missing or unopenable at start makes
 * the console answer 503 (readiness with the reason, ingest with Retry-After) until it comes up,
 * then it recovers without a restart. The one exception is a PGlite folder held by another process:
 * that start is refused (see instrumentation.ts), because waiting beside a live holder invites the
 * operator to think both are serving.
 */
export type StartupState = "starting" | "ready" | "failed" | "stopping";
export type StartupStatus = {
  state: StartupState;
  /** The database being opened: host, port and database name, or the PGlite folder (never a password). */
  target: string;
  /** Why the last attempt failed, for the log and /api/ready. */
  cause: string | undefined;
  /** Failed attempts since the last success. */
  failures: number;
  since: string;
};

type Holder = typeof globalThis & { __stewardStarted?: Promise<void>; __stewardStartup?: StartupStatus; __stewardStartupRetry?: NodeJS.Timeout };
const holder = globalThis as Holder;

/** Backoff between background attempts, in ms: 1 s doubling to 15 s. */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

function target(): string {
  try {
    const config = getConfig();
    const where: DatabaseTarget = config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: config.pgliteDir };
    return describeTarget(where);
  } catch {
    return "the database named by the configuration";
  }
}

export function startupStatus(): StartupStatus {
  return (holder.__stewardStartup ??= { state: "starting", target: target(), cause: undefined, failures: 0, since: new Date().toISOString() });
}

function setStatus(patch: Partial<StartupStatus>): void {
  holder.__stewardStartup = { ...startupStatus(), ...patch };
}

/** Marks the process as stopping: readiness answers 503 from now on. */
export function markStopping(): void {
  setStatus({ state: "stopping", cause: "the process is shutting down", since: new Date().toISOString() });
  if (holder.__stewardStartupRetry) clearTimeout(holder.__stewardStartupRetry);
}

/** One line naming a start-up failure and its causes, for the log and the 503. */
export function describeFailure(error: unknown): string {
  const messages: string[] = [];
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    // Not every throw is an Error (PGlite's WebAssembly runtime can throw plain objects): show its fields, not "[object Object]".
    const text = current instanceof Error ? current.message || current.name : typeof current === "object" ? inspect(current, { depth: 2, breakLength: Infinity }) : String(current);
    const code = (current as { code?: unknown }).code;
    const line = `${text.split("\n")[0]!.slice(0, 400)}${typeof code === "string" && !text.includes(code) ? ` (${code})` : ""}`;
    if (!messages.includes(line)) messages.push(line);
  }
  return messages.join(" ← ") || "unknown error";
}

/**
 * Opens and migrates the database, loads shipped framework catalogs and creates the bootstrap admin,
 * once per process. Until that has succeeded every caller gets StewardError("unavailable") (503 with
 * Retry-After) naming the database; a failed attempt is forgotten so the next call tries again.
 */
export function ensureStarted(): Promise<void> {
  if (!holder.__stewardStarted) {
    const starting = (async () => {
      const database = await getDatabase();
      const frameworks = await loadShippedFrameworks(database.db);
      // An upgrade that re-reviewed the default mappings says what it changed in stored ones (custom mappings are kept).
      if (frameworks.mappingsWithdrawn || frameworks.rationalesUpdated)
        console.info(
          `steward: default framework mappings brought in line with this release: ${frameworks.mappingsWithdrawn} withdrawn, ${frameworks.rationalesUpdated} rationales rewritten, ${frameworks.mappingsAdded} added (docs/frameworks.md, "How the default mappings were made")`,
        );
      await bootstrapAdminFromConfig(getConfig().bootstrapAdmin);
    })();
    const tracked = starting.then(
      () => {
        const before = startupStatus();
        if (before.state === "stopping") return;
        if (before.failures > 0) console.info(`steward: the database is reachable again (${before.target}); start-up completed after ${before.failures} failed attempt(s)`);
        setStatus({ state: "ready", cause: undefined, failures: 0, since: new Date().toISOString() });
      },
      (error: unknown) => {
        if (holder.__stewardStarted === tracked) holder.__stewardStarted = undefined;
        const before = startupStatus();
        const cause = describeFailure(error);
        // One line per change of cause, then every 10th repeat, so a long outage does not flood the log.
        if (cause !== before.cause || (before.failures + 1) % 10 === 0) {
          console.error(`steward: start-up failed (attempt ${before.failures + 1}) opening ${before.target}: ${cause}. Answering 503 and retrying.`);
        }
        if (before.state !== "stopping") setStatus({ state: "failed", cause, failures: before.failures + 1, since: before.state === "failed" ? before.since : new Date().toISOString() });
        throw new StewardError("unavailable", `Steward cannot open its database yet (${cause}); retry shortly`, { cause: error });
      },
    );
    holder.__stewardStarted = tracked;
  }
  return holder.__stewardStarted;
}

/**
 * Starts the process in the background: tries ensureStarted, and on failure tries again with backoff
 * (1 s doubling to 15 s) until it succeeds, so the console recovers on its own even if no request
 * arrives. Never throws. `onReady` runs once start-up has succeeded; `onFatal` for the one failure
 * that retrying cannot fix (a PGlite folder held by another process).
 */
export function startInBackground(hooks: { onReady: () => Promise<void>; onFatal: (error: Error) => void }, delayMs = RETRY_MIN_MS): void {
  ensureStarted().then(
    () => hooks.onReady().catch((error: unknown) => console.error("steward: post-start work failed", error)),
    (error: unknown) => {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof FolderInUseError) return hooks.onFatal(cause);
      if (startupStatus().state === "stopping") return;
      const retry = setTimeout(() => startInBackground(hooks, Math.min(delayMs * 2, RETRY_MAX_MS)), delayMs);
      retry.unref();
      holder.__stewardStartupRetry = retry;
    },
  );
}

/** For tests that point the process at another database. */
export function resetStartupForTests(): void {
  holder.__stewardStarted = undefined;
  holder.__stewardStartup = undefined;
}
