#!/usr/bin/env node
// `npm start`: builds the console when the build is missing or older than the sources, then serves it
// on http://localhost:3000 (PORT to change). With no DATABASE_URL it uses embedded PGlite in ./.steward.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const buildId = path.join(root, ".next", "BUILD_ID");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const sources = ["app", "components", "lib", "db"].map((d) => path.join(root, d)).filter(existsSync);
const stale = !existsSync(buildId) || Math.max(...sources.map(newestSource)) > statSync(buildId).mtimeMs;
// A self-hosted security product does not phone home.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const run = (args) => {
  const result = spawnSync("npx", args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
if (stale) run(["next", "build"]);
run(["next", "start", "-p", process.env.PORT ?? "3000"]);
