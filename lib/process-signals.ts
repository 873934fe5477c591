import { shutdown } from "./shutdown";

type Listener = (signal: NodeJS.Signals) => void;
const holder = globalThis as typeof globalThis & { __stewardSignalsInstalled?: boolean };

/**
 * Takes over SIGTERM and SIGINT for the graceful stop in lib/shutdown.ts. Listeners already
 * installed (Next's own: close the HTTP server, then process.exit) are removed and run as the
 * "stop accepting and finish in-flight requests" step; their process.exit is held back until the
 * database is closed, then the process exits with shutdown's code. A second signal more than two
 * seconds into the stop exits at once (an operator pressing Ctrl-C again means it); one sooner is
 * the same Ctrl-C arriving twice (the terminal signals the whole process group, and `npm start`
 * forwards it too), and is ignored.
 */
export function installShutdownSignals(options: { deadlineMs: number; closeDatabase: () => Promise<void> }): void {
  if (holder.__stewardSignalsInstalled) return;
  holder.__stewardSignalsInstalled = true;
  const realExit = process.exit.bind(process);
  let stoppingSince: number | undefined;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const serverListeners = process.listeners(signal) as Listener[];
    for (const listener of serverListeners) process.removeListener(signal, listener);
    process.on(signal, () => {
      if (stoppingSince !== undefined) {
        if (Date.now() - stoppingSince < 2_000) return;
        console.error(`steward: second ${signal} while stopping; exiting now`);
        realExit(1);
      }
      stoppingSince = Date.now();
      const closeServer = () =>
        new Promise<void>((resolve) => {
          if (!serverListeners.length) return resolve();
          // Next's handler ends with process.exit once its server has closed: that is our "done".
          process.exit = ((() => resolve()) as unknown) as typeof process.exit;
          for (const listener of serverListeners) listener(signal);
        });
      void shutdown({ signal, deadlineMs: options.deadlineMs, closeServer, closeDatabase: options.closeDatabase }).then((code) => realExit(code));
    });
  }
}

/** Another process holds this PGlite folder: refuse to run beside it (two on one folder corrupt it). */
export function refuseToStart(error: Error): never {
  console.error(`steward: refusing to start. ${error.message}`);
  process.exit(1);
}

/**
 * Under `npm start` the server is a child of scripts/start.mjs, which passes signals on. If that
 * parent is killed outright (SIGKILL, OOM) it cannot, and the server would run on orphaned, holding
 * the port and the PGlite folder. So the server checks every second that its parent is still the
 * one named in STEWARD_SUPERVISOR_PID, and stops gracefully (as on SIGTERM) when it is not.
 */
export function followSupervisor(supervisorPid: string | undefined): void {
  const expected = Number(supervisorPid);
  if (!Number.isInteger(expected) || expected <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === expected) return;
    clearInterval(timer);
    console.error(`steward: npm start (process ${expected}) is gone; stopping`);
    process.kill(process.pid, "SIGTERM");
  }, 1_000);
  timer.unref();
}
