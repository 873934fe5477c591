#!/usr/bin/env node
// `npm start`: builds the console when the build is missing or older than the sources, then serves it
// on http://127.0.0.1:3000 (HOST and PORT to change; HOST=0.0.0.0 listens on every interface).
// With no DATABASE_URL it uses embedded PGlite in ./.steward, and refuses to start while another
// process holds that folder. SIGTERM/SIGINT are passed to the server, which stops gracefully.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildNeeded } from "./lib/build-state.mjs";
import { nextStartArgs } from "./lib/next-start.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/** Who holds the PGlite folder's lock (same address as db/folder-lock.ts), or undefined when it is free. */
function pgliteHolder(folder) {
  let real;
  try {
    real = realpathSync(folder);
  } catch {
    return Promise.resolve(undefined);
  }
  const digest = createHash("sha256").update(real).digest("hex").slice(0, 32);
  const address = process.platform === "linux" ? `\0steward-pglite-${digest}` : path.join(os.tmpdir(), `steward-pglite-${digest}.sock`);
  return new Promise((resolve) => {
    const socket = net.connect(address);
    let text = "";
    socket.setEncoding("utf8");
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on("data", (chunk) => (text += chunk));
    socket.on("close", () => {
      try {
        resolve({ folder: real, ...JSON.parse(text) });
      } catch {
        resolve(text ? { folder: real, pid: "unknown" } : undefined);
      }
    });
    socket.on("error", () => resolve(undefined));
  });
}

if (!process.env.DATABASE_URL) {
  const dataDir = path.resolve(process.env.STEWARD_DATA_DIR || ".steward");
  const folder = path.resolve(process.env.STEWARD_PGLITE_DIR || path.join(dataDir, "pglite"));
  const holder = await pgliteHolder(folder);
  if (holder) {
    console.error(
      `steward: refusing to start. The PGlite data folder ${holder.folder} is in use by process ${holder.pid}` +
        `${holder.since ? ` (since ${holder.since})` : ""}. Stop that process first, or set STEWARD_DATA_DIR to another folder.`,
    );
    process.exit(1);
  }
}

const stale = buildNeeded(root);
// A self-hosted security product does not phone home.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
if (stale) {
  const result = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
// Loopback unless told otherwise: the first-run /setup page must not greet the whole network.
const host = process.env.HOST || "127.0.0.1";
// STEWARD_SUPERVISOR_PID: if this process is killed outright (SIGKILL), the server notices and stops itself.
const server = spawn(process.execPath, [nextBin, ...nextStartArgs({ port: process.env.PORT ?? "3000", host })], { cwd: root, stdio: "inherit", env: { ...env, STEWARD_SUPERVISOR_PID: String(process.pid) } });
// A process manager signals this process: pass it on and exit as the server does.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
