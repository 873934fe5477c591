import { markStopping } from "./startup";

/**
 * Graceful stop on SIGTERM/SIGINT, in this order:
 *  1. readiness answers 503 ("stopping") so a load balancer drains this process;
 *  2. every live-feed stream is ended (the browser's EventSource reconnects, to the next process);
 *  3. background jobs (findings refresh, partition maintenance, start-up retries) are stopped;
 *  4. the HTTP server stops accepting and in-flight requests finish — bounded by a deadline
 *     (STEWARD_SHUTDOWN_TIMEOUT_SECONDS, default 10 s), after which they are cut off;
 *  5. the database is closed (PGlite flushes and releases its folder lock; postgres.js ends its pools);
 *  6. the process exits: 0 when everything finished, 1 when the deadline cut something off.
 *
 * Step 4 belongs to the HTTP server. Under `next start` that is Next's own signal handler, which
 * closes the server and then calls process.exit(); `installShutdown` runs Next's handler as step 4
 * and holds its exit until the database is closed, so a stop never leaves PGlite mid-write.
 */
type Closer = () => void | Promise<void>;
type ShutdownState = { streams: Set<Closer>; jobs: Map<string, Closer>; stopping: Promise<void> | undefined; installed: boolean };
const holder = globalThis as typeof globalThis & { __stewardShutdown?: ShutdownState };
const state = (holder.__stewardShutdown ??= { streams: new Set(), jobs: new Map(), stopping: undefined, installed: false });

export const isShuttingDown = () => state.stopping !== undefined;

/** Registers an open stream's close function; returns the unregister function. */
export function trackStream(close: Closer): () => void {
  state.streams.add(close);
  return () => state.streams.delete(close);
}

export const openStreamCount = () => state.streams.size;

/** Registers a background job's stop function under a name (re-registering replaces it). */
export function registerJob(name: string, stop: Closer): void {
  state.jobs.set(name, stop);
}

export type ShutdownOptions = {
  signal: string;
  deadlineMs: number;
  /** Stops accepting and resolves when in-flight requests have finished (Next's server close). */
  closeServer: () => Promise<void>;
  closeDatabase: () => Promise<void>;
  log?: (line: string) => void;
};

/** Runs the stop sequence once; resolves with the exit code (0 clean, 1 when the deadline cut something off). */
export function shutdown(options: ShutdownOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.info(line));
  if (state.stopping) return state.stopping.then(() => 0);
  let code = 0;
  const run = (async () => {
    const started = Date.now();
    log(`steward: ${options.signal} received; stopping (deadline ${Math.round(options.deadlineMs / 1000)} s)`);
    markStopping();
    const streams = [...state.streams];
    state.streams.clear();
    await Promise.allSettled(streams.map((close) => close()));
    if (streams.length) log(`steward: ended ${streams.length} live-feed stream(s)`);
    await Promise.allSettled([...state.jobs.values()].map((stop) => stop()));
    const remaining = () => Math.max(0, options.deadlineMs - (Date.now() - started));
    const served = await withDeadline(options.closeServer(), remaining());
    if (!served) {
      code = 1;
      log(`steward: in-flight requests did not finish within ${Math.round(options.deadlineMs / 1000)} s; cutting them off`);
    }
    // The database gets its own short allowance even when requests used up the deadline.
    const closed = await withDeadline(
      options.closeDatabase().catch((error: unknown) => log(`steward: closing the database failed: ${(error as Error).message}`)),
      Math.max(remaining(), 5_000),
    );
    if (!closed) {
      code = 1;
      log("steward: the database did not close in time");
    }
    log(`steward: stopped in ${Date.now() - started} ms`);
  })();
  state.stopping = run;
  return run.then(() => code);
}

function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    work.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/** For tests: forget a previous stop so the sequence can run again in one process. */
export function resetShutdownForTests(): void {
  state.stopping = undefined;
  state.streams.clear();
  state.jobs.clear();
}
