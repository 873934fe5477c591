import { createHash } from "node:crypto";
import { mkdirSync, realpathSync, unlinkSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * An exclusive, crash-safe lock on a PGlite data folder, held for as long as this process has the
 * database open. PGlite has no lock between processes, and two on one folder destroy it.
 *
 * The lock is a listening Unix-domain socket named after the folder's real path. The kernel frees it
 * when the process ends in any way (exit, crash, SIGKILL, OOM), so nothing stale is ever left behind,
 * unlike a PID file. On Linux the socket lives in the abstract namespace: bind is atomic and there is
 * no file at all. Elsewhere it is a socket file in the temp directory; a leftover file that no one
 * answers on is removed and the bind retried. Whoever finds the lock taken connects to it and the
 * holder answers with its PID, so the refusal can name the process.
 */
export type FolderLock = { folder: string; release(): Promise<void> };
export type LockHolder = { pid: number; folder: string; since: string };

export class FolderInUseError extends Error {
  readonly code = "STEWARD_FOLDER_IN_USE";
  constructor(
    readonly folder: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `The PGlite data folder ${folder} is in use by ${holder ? `process ${holder.pid} (holding it since ${holder.since})` : "another process"}. ` +
        "Two processes on one PGlite folder corrupt it: stop the other process first, or point this one at another folder (STEWARD_DATA_DIR), or use PostgreSQL (DATABASE_URL) to run several.",
    );
    this.name = "FolderInUseError";
  }
}

/** The lock's socket address for a folder (resolved to its real path, so symlinks and `..` agree). */
export function lockAddress(folder: string): string {
  const digest = createHash("sha256").update(folder).digest("hex").slice(0, 32);
  return process.platform === "linux" ? `\0steward-pglite-${digest}` : path.join(os.tmpdir(), `steward-pglite-${digest}.sock`);
}

/** Creates the folder if needed and takes its lock; throws FolderInUseError naming the holder if another process has it. */
export async function lockFolder(folder: string): Promise<FolderLock> {
  mkdirSync(folder, { recursive: true });
  const real = realpathSync(folder);
  const address = lockAddress(real);
  const info: LockHolder = { pid: process.pid, folder: real, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    const server = net.createServer((socket) => socket.end(JSON.stringify(info)));
    const outcome = await new Promise<"locked" | "in-use">((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve("in-use") : reject(error)));
      server.listen(address, () => resolve("locked"));
    });
    if (outcome === "locked") {
      // The lock must not keep a finished process alive.
      server.unref();
      return {
        folder: real,
        release: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
          }),
      };
    }
    const holder = await askHolder(address);
    if (holder !== "stale") throw new FolderInUseError(real, holder);
    // Only a socket file can be stale (abstract names vanish with their process): remove it and retry once.
    try {
      unlinkSync(address);
    } catch {
      // someone else removed it first
    }
  }
  throw new FolderInUseError(real, undefined);
}

/** Who holds the lock: their answer, undefined when they do not answer in time, "stale" when no one listens. */
export function askHolder(address: string): Promise<LockHolder | undefined | "stale"> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let text = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 2_000);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk.slice(0, 1_000);
    });
    socket.on("end", () => {
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(text) as LockHolder;
        resolve(typeof parsed.pid === "number" ? parsed : undefined);
      } catch {
        resolve(undefined);
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === "ECONNREFUSED" || error.code === "ENOENT" ? "stale" : undefined);
    });
  });
}

/** Who holds a folder's lock right now, or undefined when it is free (used by `npm start` before it starts anything). */
export async function folderHolder(folder: string): Promise<LockHolder | undefined> {
  let real: string;
  try {
    real = realpathSync(folder);
  } catch {
    return undefined;
  }
  const answer = await askHolder(lockAddress(real));
  return answer === "stale" ? undefined : answer;
}
