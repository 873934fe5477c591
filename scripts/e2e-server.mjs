#!/usr/bin/env node
// Serves the built console for Playwright on a fresh, empty database: a new PGlite data folder,
// or (with DATABASE_URL) a new database on that server, dropped when the server stops.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const port = process.env.E2E_PORT ?? "3100";
const dataDir = mkdtempSync(path.join(os.tmpdir(), "steward-e2e-"));
const env = { ...process.env, STEWARD_DATA_DIR: dataDir, PORT: port, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
delete env.STEWARD_ADMIN_EMAIL;
delete env.STEWARD_ADMIN_PASSWORD;

let dropDatabase = () => {};
if (process.env.DATABASE_URL) {
  const server = new URL(process.env.DATABASE_URL);
  const name = `steward_e2e_${Date.now()}_${process.pid}`;
  const psql = (sql) => spawnSync("psql", [server.toString(), "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: "inherit" });
  if (psql(`create database ${name}`).status !== 0) process.exit(1);
  const url = new URL(server);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  dropDatabase = () => psql(`drop database if exists ${name} with (force)`);
}

const child = spawn("npx", ["next", "start", "-p", port, "-H", "127.0.0.1"], { env, stdio: "inherit" });
const cleanUp = () => {
  dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code) => {
  cleanUp();
  process.exit(code ?? 0);
});
