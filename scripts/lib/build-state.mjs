// Is the console's production build missing or older than its sources? `npm start` (scripts/start.mjs)
// builds when it is; `npm run demo` says so beforehand (a build takes minutes), and only then.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Tests are not part of the build: editing one must not trigger a rebuild.
    if (entry.name.startsWith(".") || entry.name === "node_modules" || entry.name === "testing" || /\.test\.tsx?$/.test(entry.name)) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when `<root>/.next/BUILD_ID` is missing or older than a source file under app, components, lib or db. */
export function buildNeeded(root) {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const sources = ["app", "components", "lib", "db"].map((dir) => path.join(root, dir)).filter(existsSync);
  return Math.max(...sources.map(newestSource)) > statSync(buildId).mtimeMs;
}
